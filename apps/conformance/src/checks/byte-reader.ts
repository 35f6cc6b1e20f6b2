import type { Readable } from 'node:stream';
import type { ByteStream } from '@tezos-p2p/connection';

/** Resolves when `s` has data to read, closes, or `ms` pass — whichever comes first; listeners removed. */
export function readableOrClosed(s: Readable, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    s.once('readable', done);
    s.once('close', done);
    function done() {
      clearTimeout(t);
      s.off('readable', done);
      s.off('close', done);
      resolve();
    }
  });
}

/** Exact reads from the far end of an in-memory pair, with a deadline so a silent replay fails instead of hanging. */
export async function readExactly(s: ByteStream, n: number, timeoutMs = 10_000): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let got = 0;
  const deadline = Date.now() + timeoutMs;
  while (got < n) {
    const b = s.read(Math.min(n - got, s.readableLength || 1)) as Buffer | null;
    if (b) {
      parts.push(b);
      got += b.length;
      continue;
    }
    if (s.readableEnded || s.destroyed) throw new Error(`the replayed side stopped after ${got} of ${n} bytes`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`the replayed side wrote ${got} of the ${n} bytes expected within ${timeoutMs} ms`);
    await readableOrClosed(s, left);
  }
  return new Uint8Array(Buffer.concat(parts));
}
