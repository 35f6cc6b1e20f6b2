import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PIPELINE_CHUNK, chunkSplitter } from '../src/workers/chunk-splitter.js';

describe('chunkSplitter (the idealised receivers)', () => {
  it('hands over every chunk whole and in order however the reads cut the stream', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 3 * PIPELINE_CHUNK })),
        (chunks, cuts) => {
          const stream = new Uint8Array(chunks * PIPELINE_CHUNK);
          for (let i = 0; i < stream.length; i++) stream[i] = (i * 31 + (i >> 16)) & 0xff;
          const seen: Uint8Array[] = [];
          const onRead = chunkSplitter((b, at) => seen.push(b.slice(at, at + PIPELINE_CHUNK)));
          // Reads land in one reused buffer, as with `onread`: whatever is kept must have been copied.
          const readBuffer = new Uint8Array(3 * PIPELINE_CHUNK);
          // The cuts are read sizes, used in turn until the stream is read; a read never exceeds the buffer.
          for (let at = 0, i = 0; at < stream.length; i++) {
            const n = Math.min(
              cuts.length > 0 ? cuts[i % cuts.length]! : readBuffer.length,
              readBuffer.length,
              stream.length - at,
            );
            readBuffer.set(stream.subarray(at, at + n));
            expect(onRead(n, readBuffer)).toBe(true);
            // Only the bytes this read wrote: clearing the whole buffer after each 1-byte read made a
            // run take seconds (the test once timed out on a busy machine).
            readBuffer.fill(0, 0, n);
            at += n;
          }
          expect(seen.length).toBe(chunks);
          // Buffer comparison: vitest's deep equality walks 64 KiB arrays element by element.
          seen.forEach((c, i) =>
            expect(
              Buffer.from(c).equals(stream.subarray(i * PIPELINE_CHUNK, (i + 1) * PIPELINE_CHUNK)),
              `chunk ${i}`,
            ).toBe(true),
          );
        },
      ),
      { numRuns: 50 },
    );
  });
});
