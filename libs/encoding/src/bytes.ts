import { EncodeError } from './errors.js';
import { type Encoding, VARIABLE, fixedSize } from './encoding.js';
import { dynamicSize } from './dynamic-size.js';

const textEncoder = new TextEncoder();

function utf8Length(s: string): number {
  // Fast path for ASCII, which is what P2P strings (chain names, points) are.
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      n = textEncoder.encode(s).length;
      break;
    }
  }
  return n;
}

function fixedBytes(n: number): Encoding<Uint8Array> {
  return {
    sizeClass: fixedSize(n),
    title: `bytes(${n})`,
    sizeOf: () => n,
    write(w, v) {
      if (!(v instanceof Uint8Array) || v.length !== n) {
        throw new EncodeError(
          'INVALID_BYTES_LENGTH',
          `expected ${n} byte(s), got ${v instanceof Uint8Array ? v.length : typeof v}`,
        );
      }
      w.bytes(v);
    },
    read: (r) => r.take(n),
  };
}

function fixedString(n: number): Encoding<string> {
  return {
    sizeClass: fixedSize(n),
    title: `string(${n})`,
    sizeOf: () => n,
    write(w, v) {
      const len = utf8Length(v);
      if (len !== n) throw new EncodeError('INVALID_BYTES_LENGTH', `expected a ${n}-byte string, got ${len} bytes`);
      w.utf8(v);
    },
    read: (r) => r.utf8(n),
  };
}

const variableBytes: Encoding<Uint8Array> = {
  sizeClass: VARIABLE,
  title: 'variable bytes',
  sizeOf: (v) => v.length,
  write(w, v) {
    if (!(v instanceof Uint8Array)) throw new EncodeError('INVALID_VALUE', 'expected a Uint8Array');
    w.bytes(v);
  },
  read: (r) => r.take(r.remaining),
};

const variableString: Encoding<string> = {
  sizeClass: VARIABLE,
  title: 'variable string',
  sizeOf: utf8Length,
  write: (w, v) => w.utf8(v),
  read: (r) => r.utf8(r.remaining),
};

/** Byte-preserving text: each byte is one character U+0000..U+00FF, so any input round-trips. */
const variableLatin1String: Encoding<string> = {
  sizeClass: VARIABLE,
  title: 'variable latin1 string',
  sizeOf: (v) => v.length,
  write: (w, v) => w.latin1(v),
  read: (r) => r.latin1(r.remaining),
};

/** Exactly `n` raw bytes with no length prefix (Data_encoding `Fixed`). */
export const Fixed = {
  bytes: fixedBytes,
  string: fixedString,
};

/** Raw content running to the end of the enclosing region, no prefix (Data_encoding `Variable`). */
export const Variable = {
  bytes: variableBytes,
  string: variableString,
  latin1String: variableLatin1String,
};

/** uint30 byte length, then the bytes (Data_encoding `bytes`). Decoded values are views of the input. */
export const bytes: Encoding<Uint8Array> = dynamicSize(variableBytes, { title: 'bytes' });
/** uint30 byte length, then UTF-8 (decoding rejects invalid UTF-8). */
export const string: Encoding<string> = dynamicSize(variableString, { title: 'string' });
/** uint30 byte length, then bytes read as latin1: any byte sequence round-trips exactly. */
export const latin1String: Encoding<string> = dynamicSize(variableLatin1String, { title: 'latin1 string' });
