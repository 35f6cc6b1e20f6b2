import { basename } from 'node:path';
import { type Transcript, readTranscriptFile } from '@tezos-p2p/transcript';
import { checkConnectionMessages } from './checks/connection-messages.js';
import { ReplayContext } from './checks/context.js';
import { checkDecrypt } from './checks/decrypt.js';
import { checkHandshakeAndResend } from './checks/handshake.js';
import { checkKeys } from './checks/keys.js';
import { checkMessages } from './checks/messages.js';
import { type CheckName, type CheckResult, type TranscriptReport, failureResult } from './checks/result.js';
import { checkValues } from './checks/values.js';

function guarded(check: CheckName, f: () => CheckResult): CheckResult {
  try {
    return f();
  } catch (e) {
    return failureResult(check, e);
  }
}

/**
 * Every check a transcript supports, in dependency order: decryption fills in the plaintexts the
 * message checks and the re-send need. A check that lacks data is skipped with the reason.
 */
export async function replayTranscript(t: Transcript, file = `${t.session.name}.tzt`): Promise<TranscriptReport> {
  const ctx = new ReplayContext(t);
  const results: CheckResult[] = [
    guarded('connection-messages', () => checkConnectionMessages(ctx)),
    guarded('keys', () => checkKeys(ctx)),
    guarded('decrypt', () => checkDecrypt(ctx)),
    guarded('messages', () => checkMessages(ctx)),
  ];
  results.push(...(await checkHandshakeAndResend(ctx)));
  results.push(guarded('values', () => checkValues(ctx)));
  return {
    name: t.session.name,
    file,
    origin: t.session.provenance?.origin ?? 'ORIGIN_UNKNOWN',
    ...(t.session.description ? { description: t.session.description } : {}),
    results,
  };
}

/** Replay a transcript file; an unreadable file is reported as a failed transcript, not thrown. */
export async function replayFile(path: string): Promise<TranscriptReport> {
  let t: Transcript;
  try {
    t = readTranscriptFile(path);
  } catch (e) {
    return { name: basename(path), file: path, origin: 'ORIGIN_UNKNOWN', results: [failureResult('values', e)] };
  }
  return replayTranscript(t, path);
}

export function reportFailed(r: TranscriptReport): boolean {
  return r.results.some((c) => c.status === 'fail');
}
