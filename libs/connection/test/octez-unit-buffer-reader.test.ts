/**
 * Port of Octez v25.1 `src/lib_p2p/test/test_p2p_buffer_reader.ml` (`P2p_buffer_reader`).
 *
 * Octez's reader copies from a circular buffer fed by the scheduler into a caller-described buffer
 * (`mk_buffer ?pos ?length_to_copy`), with `read` (up to the buffer's length) and `read_full`. Our
 * equivalent is `HandshakeReader.readExactly(n)` over the byte stream (the exact reader of the
 * handshake; after it, `IncomingMessages` consumes whole socket reads): it returns a fresh array of
 * exactly `n` bytes, so there is no buffer descriptor to validate (the `mk_buffer` tests are not
 * applicable) and no short read (`read` is ported as reads of at most what is available). The data
 * is fed through an in-memory stream pair, as Octez feeds an in-memory circular buffer; the QCheck
 * properties run over 100 cases from a seeded generator.
 */
import { seededRng } from '@tezos-p2p/events';
import { describe, expect, it } from 'vitest';
import { exactReader } from './exact-reader.js';
import { ConnectionError, createMemorySocketPair } from '../src/index.js';

const rng = seededRng(0x0c7e2);
const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
const data = (n: number) => Uint8Array.from({ length: n }, () => int(0, 255));
const CASES = 100;

/** A reader over a fresh stream, and the writing end. */
function readable(signal?: AbortSignal) {
  const [w, r] = createMemorySocketPair();
  return {
    write: (b: Uint8Array) => new Promise<void>((ok) => w.write(b, () => ok())),
    input: exactReader(r, signal),
    close: () => (w.destroy(), r.destroy()),
  };
}

/** Settles on the next macrotask turns: whether `p` has settled by then. */
async function settledSoon(p: Promise<unknown>, turns = 20): Promise<boolean> {
  let settled = false;
  void p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < turns && !settled; i++) await new Promise((r) => setImmediate(r));
  return settled;
}

describe('test_p2p_buffer_reader.ml (P2p_buffer_reader)', () => {
  it('test_p2p_buffer_reader: read hangs if there is no data to read — until cancelled, then fails', async () => {
    const canceler = new AbortController();
    const { input, close } = readable(canceler.signal);
    let cancelled = false;
    canceler.signal.addEventListener('abort', () => (cancelled = true));
    const res = input.readExactly(16);
    // Octez cancels after 0.3 s; we check the read is still pending after the stream had every chance to answer.
    expect(await settledSoon(res)).toBe(false);
    canceler.abort(new ConnectionError('CANCELED', 'cancelled by the test'));
    await expect(res).rejects.toMatchObject({ code: 'CANCELED' });
    expect(cancelled).toBe(true);
    close();
  });

  it('test_p2p_buffer_reader: read result (number of read bytes) is lower than or equal to buffer.len', async () => {
    for (let i = 0; i < CASES; i++) {
      const bufSize = int(0, 2048);
      const toWrite = data(int(0, 2048));
      const { write, input, close } = readable();
      await write(toWrite);
      // `read` gives what is available up to buf_size; ours reads exactly what is asked, never more.
      const n = Math.min(bufSize, toWrite.length);
      const got = await input.readExactly(n);
      expect(got.length).toBeLessThanOrEqual(bufSize);
      expect(Buffer.from(got).equals(Buffer.from(toWrite.subarray(0, n)))).toBe(true);
      close();
    }
  });

  it('test_p2p_buffer_reader: When reading less data than available, [read] reads partially and reads the remaining data on second [read]', async () => {
    for (let i = 0; i < CASES; i++) {
      const [buf1Size, buf2Size, additional] = [int(0, 2048), int(0, 2048), int(0, 2048)];
      const toWrite = data(buf1Size + buf2Size + additional);
      const { write, input, close } = readable();
      await write(toWrite);
      const res1 = await input.readExactly(buf1Size);
      const res2 = await input.readExactly(buf2Size);
      expect(res1.length).toBe(buf1Size);
      expect(res2.length).toBe(buf2Size);
      expect(Buffer.from(res1).equals(Buffer.from(toWrite.subarray(0, buf1Size)))).toBe(true);
      expect(Buffer.from(res2).equals(Buffer.from(toWrite.subarray(buf1Size, buf1Size + buf2Size)))).toBe(true);
      close();
    }
  });

  it('test_p2p_buffer_reader: read_full fills the buffer', async () => {
    for (let i = 0; i < CASES; i++) {
      const toWrite = data(int(0, 64));
      const { write, input, close } = readable();
      await write(toWrite);
      const got = await input.readExactly(toWrite.length);
      expect(Buffer.from(got).equals(Buffer.from(toWrite))).toBe(true);
      close();
    }
  });

  it('test_p2p_buffer_reader: read_full fills the buffer and waits for enough data to be available if needed', async () => {
    for (let i = 0; i < CASES; i++) {
      const pieces = Array.from({ length: int(0, 10) }, () => data(int(0, 64)));
      const total = pieces.reduce((n, p) => n + p.length, 0);
      const { write, input, close } = readable();
      // The read starts before any data is there.
      const res = input.readExactly(total);
      for (const p of pieces) {
        await write(p);
        await new Promise((r) => setImmediate(r)); // Octez's `Lwt.pause ()` between writes
      }
      const got = await res;
      expect(Buffer.from(got).equals(Buffer.concat(pieces))).toBe(true);
      close();
    }
  });
});
