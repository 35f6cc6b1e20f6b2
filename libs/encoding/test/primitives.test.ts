import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  EncodeError,
  bool,
  decode,
  encode,
  fromHex,
  int16,
  int31,
  int32,
  int64,
  int8,
  toHex,
  uint16,
  uint30,
  uint8,
  rangedInt,
} from '../src/index.js';

// data-encoding/test/expect/base.ml and endianness.ml (shared/spec/vectors.md §8)
const golden: [string, { write: (v: never) => Uint8Array; read: (b: Uint8Array) => unknown }, unknown, string][] = [];
function vec<T>(name: string, enc: Parameters<typeof encode<T>>[0], v: T, hex: string) {
  golden.push([name, { write: (x: never) => encode(enc, x as T), read: (b) => decode(enc, b) }, v, hex]);
}
vec('uint8 0', uint8, 0, '00');
vec('uint8 255', uint8, 255, 'ff');
vec('uint16 0', uint16, 0, '0000');
vec('uint16 32767', uint16, 32767, '7fff');
vec('uint16 65535', uint16, 65535, 'ffff');
vec('uint16 300', uint16, 300, '012c');
vec('int16 -32768', int16, -32768, '8000');
vec('int16 32767', int16, 32767, '7fff');
vec('int16 300', int16, 300, '012c');
vec('int16 -300', int16, -300, 'fed4');
vec('int31 min', int31, -1073741824, 'c0000000');
vec('int31 max', int31, 1073741823, '3fffffff');
vec('int31 300300', int31, 300300, '0004950c');
vec('int31 -300300', int31, -300300, 'fffb6af4');
vec('int32 300300', int32, 300300, '0004950c');
vec('int64 300300300300', int64, 300300300300n, '00000045eb4af00c');
vec('int8 -1', int8, -1, 'ff');
vec('bool true', bool, true, 'ff');
vec('bool false', bool, false, '00');

describe('integer and bool golden vectors (Octez data-encoding expect tests)', () => {
  it.each(golden)('%s', (_name, codec, value, hex) => {
    expect(toHex(codec.write(value as never))).toBe(hex);
    expect(codec.read(fromHex(hex))).toEqual(value);
  });
});

describe('range checks', () => {
  it('rejects out-of-range integers on encode with INT_OUT_OF_RANGE', () => {
    for (const [enc, v] of [
      [uint8, 256],
      [uint8, -1],
      [uint16, 65536],
      [int16, 32768],
      [int31, 2 ** 30],
      [uint30, 2 ** 30],
      [uint8, 1.5],
    ] as const) {
      const err = (() => {
        try {
          encode(enc, v);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).code).toBe('INT_OUT_OF_RANGE');
    }
  });

  it('int31 reader rejects values outside [-2^30, 2^30-1]', () => {
    const e = (() => {
      try {
        decode(int31, fromHex('40000000'));
      } catch (x) {
        return x as DecodeError;
      }
    })();
    expect(e?.code).toBe('INVALID_INT');
    expect(e?.offset).toBe(0);
  });

  it('uint30 reader rejects only negative int32 (as Octez)', () => {
    expect(decode(uint30, fromHex('40000000'))).toBe(0x40000000);
    expect(() => decode(uint30, fromHex('80000000'))).toThrow(/INVALID_INT/);
  });

  it('bool rejects bytes other than 00/ff', () => {
    const e = (() => {
      try {
        decode(bool, fromHex('01'));
      } catch (x) {
        return x as DecodeError;
      }
    })();
    expect(e).toBeInstanceOf(DecodeError);
    expect(e?.code).toBe('INVALID_BOOL');
  });

  it('ranged ints shift by their minimum and check bounds', () => {
    const r = rangedInt(100, 300);
    // Data_encoding sizes a ranged int by max - min when min >= 0: [100, 300] fits a uint8.
    expect(toHex(encode(r, 100))).toBe('00');
    expect(toHex(encode(r, 300))).toBe('c8');
    expect(() => decode(r, fromHex('c9'))).toThrow(/INVALID_INT/);
    expect(decode(rangedInt(-5, 5), fromHex('fb'))).toBe(-5);
  });
});
