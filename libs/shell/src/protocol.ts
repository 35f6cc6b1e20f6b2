import {
  EncodeError,
  type Encoding,
  VARIABLE,
  checkSize,
  conv,
  dynamicSize,
  list,
  obj,
  optional,
  uint16,
} from '@tezos-p2p/encoding';
import type { Protocol, ProtocolComponent, ProtocolText } from './types.js';

/** The last `Protocol.env_version` the current Octez source defines (V17); others fail to decode there. */
export const MAX_ENV_VERSION = 17;

// ignoreBOM: a leading U+FEFF is content and must survive the round trip.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const textEncoder = new TextEncoder();

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function textBytes(t: ProtocolText): Uint8Array {
  if (t instanceof Uint8Array) return t;
  if (typeof t !== 'string') throw new EncodeError('INVALID_VALUE', 'expected a string or a Uint8Array');
  // TextEncoder would silently turn a lone surrogate into U+FFFD; refuse instead of altering the text.
  if (hasLoneSurrogate(t)) throw new EncodeError('INVALID_VALUE', 'string has a lone UTF-16 surrogate');
  return textEncoder.encode(t);
}

/**
 * Data_encoding's binary `string` reads any bytes (it checks no UTF-8), so decoding may not reject
 * what Octez accepts: valid UTF-8 becomes a string (which re-encodes to the same bytes), anything
 * else stays raw.
 */
const variableText: Encoding<ProtocolText> = {
  sizeClass: VARIABLE,
  title: 'string',
  sizeOf: (v) => textBytes(v).length,
  write: (w, v) => w.bytes(textBytes(v)),
  read(r) {
    const b = r.take(r.remaining);
    try {
      return strictUtf8.decode(b);
    } catch {
      return b;
    }
  },
};

export const protocolTextEncoding: Encoding<ProtocolText> = dynamicSize(variableText, { title: 'string' });

export const protocolComponentEncoding: Encoding<ProtocolComponent> = obj(
  { name: protocolTextEncoding, interface: optional(protocolTextEncoding), implementation: protocolTextEncoding },
  'protocol.component',
);

const envVersionEncoding: Encoding<number> = conv(
  uint16,
  (v: number) => {
    if (!Number.isInteger(v) || v < 0 || v > MAX_ENV_VERSION) throw new RangeError(`unknown environment version ${v}`);
    return v;
  },
  (v) => {
    if (v > MAX_ENV_VERSION) throw new RangeError(`unexpected environment version: ${v}`);
    return v;
  },
  'protocol.environment_version',
);

/** `Protocol.encoding`: environment version (uint16), then a length-prefixed list of components. */
export const protocolEncoding: Encoding<Protocol> = obj(
  { expectedEnvVersion: envVersionEncoding, components: list(protocolComponentEncoding) },
  'protocol',
);

/** `Protocol.bounded_encoding ?max_size`. */
export function boundedProtocolEncoding(maxSize: number | undefined): Encoding<Protocol> {
  return maxSize === undefined ? protocolEncoding : checkSize(maxSize, protocolEncoding);
}
