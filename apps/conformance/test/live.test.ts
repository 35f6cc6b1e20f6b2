import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listTranscriptFiles } from '@tezos-p2p/transcript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayFile, runLiveSuite } from '../src/index.js';
import { type NodeProcess, startTzp2p } from './tzp2p-node.js';

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-live-'));
const host = `127.0.${1 + (process.pid % 200)}.90`;
let node: NodeProcess;
let target: string;
let targetRpc: string;

beforeAll(async () => {
  node = await startTzp2p([
    '--data-dir',
    join(dir, 'node'),
    '--network',
    'sandbox',
    '--net-addr',
    `${host}:0`,
    '--rpc-addr',
    `${host}:0`,
    '--expected-pow',
    '0',
    '--no-bootstrap-peers',
  ]);
  target = node.listen;
  targetRpc = node.rpc!;
});

afterAll(async () => {
  expect(await node?.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

describe('the live suite against our own node', () => {
  it('passes every case, and each recorded session replays through the transcript checks', async () => {
    const record = join(dir, 'recorded');
    (await import('node:fs')).mkdirSync(record);
    const reports = await runLiveSuite({ target, targetRpc, listen: `${host}:0`, pow: 0, timeoutMs: 5000, record });
    expect(reports.map((r) => r.name)).toEqual([
      'live: handshake as initiator',
      'live: Bootstrap → Advertise',
      'live: handshake as responder',
      'live: refused handshake (unknown chain)',
    ]);
    for (const r of reports)
      expect(
        r.results.filter((c) => c.status === 'fail'),
        r.name,
      ).toEqual([]);
    const initiator = reports[0]!;
    // Our throwaway identity's secret key is in the recording: the handshake replays byte for byte.
    expect(initiator.results.map((c) => [c.check, c.status])).toEqual(
      expect.arrayContaining([
        ['live', 'pass'],
        ['keys', 'pass'],
        ['handshake', 'pass'],
        ['decrypt', 'pass'],
        ['messages', 'pass'],
      ]),
    );
    expect(reports[1]!.results[0]).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/^Advertise with \d+ points$/),
    });
    expect(reports[3]!.results[0]).toMatchObject({ status: 'pass', detail: expect.stringContaining('Nack') });
    // The files written replay on their own, like any checked-in transcript.
    const files = listTranscriptFiles(record);
    expect(files).toHaveLength(3);
    for (const f of files) expect((await replayFile(f)).results.filter((c) => c.status === 'fail')).toEqual([]);
  });

  it('without --target-rpc the responder case is skipped, not failed', async () => {
    const reports = await runLiveSuite({ target, listen: `${host}:0`, pow: 0, timeoutMs: 5000 });
    expect(reports[2]).toMatchObject({
      name: 'live: handshake as responder',
      results: [{ check: 'live', status: 'skip' }],
    });
  });

  it('an unreachable target fails with a clear error and nothing left running', async () => {
    const reports = await runLiveSuite({ target: `${host}:1`, pow: 0, timeoutMs: 2000 });
    expect(reports[0]!.results[0]).toMatchObject({
      check: 'live',
      status: 'fail',
      detail: expect.stringContaining('LIVE_UNREACHABLE'),
    });
  });
});
