import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, FrameReader, concatBytes, fromHex, toHex } from '../src/index.js';

function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

function splitAt(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('FrameReader', () => {
  it('returns frames only when complete, keeping leftovers for the next one', () => {
    const r = new FrameReader();
    r.push(fromHex('00000002'));
    expect(r.next()).toBeUndefined();
    r.push(fromHex('0001000000'));
    expect(toHex(r.next()!)).toBe('000000020001');
    expect(r.next()).toBeUndefined();
    r.push(fromHex('020002'));
    expect(toHex(r.next()!)).toBe('000000020002');
    expect(r.buffered).toBe(0);
  });

  it('rejects a size beyond the cap as soon as the prefix arrives, without buffering the body', () => {
    const r = new FrameReader({ maxFrameSize: 1000 });
    r.push(fromHex('000003e9'));
    let err: unknown;
    try {
      r.next();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).code).toBe('SIZE_LIMIT_EXCEEDED');
  });

  it('rejects negative sizes and the default cap is Octez 100 MiB minus the prefix', () => {
    const r = new FrameReader();
    r.push(fromHex('80000000'));
    expect(() => r.next()).toThrow(/INVALID_INT/);
    const big = new FrameReader();
    big.push(fromHex('06400000')); // 104857600 > 104857596
    expect(() => big.next()).toThrow(/SIZE_LIMIT_EXCEEDED/);
  });

  it('property: any chunking of any frame sequence yields the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (bodies, cuts) => {
          const frames = bodies.map(frame);
          const r = new FrameReader();
          const got: string[] = [];
          for (const c of splitAt(concatBytes(frames), cuts)) {
            r.push(c);
            for (let f = r.next(); f; f = r.next()) got.push(toHex(f));
          }
          expect(got).toEqual(frames.map(toHex));
          expect(r.buffered).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is linear: one byte at a time for a 1 MiB frame copies each byte once', () => {
    const body = new Uint8Array(1 << 20).fill(7);
    const data = frame(body);
    const r = new FrameReader();
    for (let i = 0; i < data.length; i += 1024) r.push(data.subarray(i, i + 1024));
    const f = r.next()!;
    expect(f.length).toBe(data.length);
    expect(f[f.length - 1]).toBe(7);
  });
});
