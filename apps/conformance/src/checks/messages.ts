import { FrameReader, decode, encode } from '@tezos-p2p/encoding';
import { ackEncoding, shellConnectionMetadataEncoding } from '@tezos-p2p/wire';
import { expectSameBytes } from './bytes.js';
import { reencodeMessage } from './codecs.js';
import type { ReplayContext, Side } from './context.js';
import { CheckFailure, type CheckResult, pass, skip } from './result.js';

/** Labels of other tools ("get_block_headers", "metadata_message") and our kinds compare alike. */
export function normaliseKind(kind: string): string {
  return kind
    .toLowerCase()
    .replace(/_message$/, '')
    .replace(/[^a-z0-9]/g, '');
}

/** Does `plain` hold only whole P2P messages (sizes chaining exactly to its end)? */
function wholeFrames(plain: Uint8Array): boolean {
  let at = 0;
  while (at + 4 <= plain.length) at += 4 + new DataView(plain.buffer, plain.byteOffset + at, 4).getUint32(0);
  return at === plain.length && plain.length > 0;
}

function checkLabel(label: string | undefined, kind: string, where: string): void {
  if (label === undefined || label === '' || label === 'fragment') return;
  if (normaliseKind(label) !== normaliseKind(kind))
    throw new CheckFailure(`${where}: recorded as ${label}, decodes as ${kind}`, where);
}

/**
 * Per direction: chunk 0 is Metadata, chunk 1 Ack/Nack, then the stream of P2P messages. Messages are
 * reassembled across contiguous chunks; after a gap in a lossy capture, reading resumes at the first
 * chunk that holds only whole messages.
 */
export function checkMessages(ctx: ReplayContext): CheckResult {
  const kinds = new Map<string, number>();
  let values = 0;
  let skipped = 0;
  for (const side of ['SENT', 'RECEIVED'] as Side[]) {
    let reader: FrameReader | undefined;
    let expected = -1;
    const labels: { label: string | undefined; where: string }[] = [];
    for (const r of ctx.sorted(side)) {
      const i = r.chunkIndex!;
      const where = `${side.toLowerCase()} chunk ${i}`;
      const plain = ctx.plaintexts.get(r);
      if (plain === undefined) {
        reader = undefined;
        continue;
      }
      if (i === 0) {
        expectSameBytes(
          encode(shellConnectionMetadataEncoding, decode(shellConnectionMetadataEncoding, plain)),
          plain,
          `${where} (Metadata)`,
        );
        checkLabel(r.kind, 'metadata', where);
        values++;
        continue;
      }
      if (i === 1) {
        const ack = decode(ackEncoding, plain);
        expectSameBytes(encode(ackEncoding, ack), plain, `${where} (${ack.kind})`);
        checkLabel(r.kind, ack.kind === 'Ack' ? 'ack' : (r.kind ?? ''), where);
        values++;
        continue;
      }
      if (reader === undefined || i !== expected) {
        if (i === 2 || wholeFrames(plain)) {
          reader = new FrameReader();
          labels.length = 0;
        } else {
          reader = undefined;
          skipped++;
          continue;
        }
      }
      if (reader.buffered === 0) labels.push({ label: r.kind, where });
      reader.push(plain);
      expected = i + 1;
      for (let frame = reader.next(); frame !== undefined; frame = reader.next()) {
        const at = labels.shift() ?? { label: undefined, where };
        const { kind, bytes } = reencodeMessage(frame, at.where);
        expectSameBytes(bytes, frame, `${at.where} (${kind})`);
        checkLabel(at.label, kind, at.where);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
  }
  const messages = [...kinds.values()].reduce((a, b) => a + b, 0);
  if (messages + values === 0) return skip('messages', 'no plaintext known');
  const summary = [...kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return pass(
    'messages',
    messages + values,
    `${values} Metadata/Ack, ${messages} messages${summary ? `: ${summary}` : ''}${skipped ? `; ${skipped} partial chunks after gaps not decodable alone` : ''}`,
  );
}
