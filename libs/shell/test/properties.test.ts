import fc from 'fast-check';
import { DecodeError, decode, encode, sizeOf } from '@tezos-p2p/encoding';
import { type RawAppMessage, p2pMessageEncoding, rawAppMessages } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import {
  type ShellMessage,
  SHELL_MESSAGE_KINDS,
  SHELL_MESSAGE_TAGS,
  decodeShellMessage,
  encodeShellMessage,
  shellAppMessages,
  shellMessageEncoding,
  shellMessageToJson,
} from '../src/index.js';
import { anyMessage, messageArbitraries } from './helpers.js';

const p2p = p2pMessageEncoding<ShellMessage>({ app: shellAppMessages });

describe('round trips, one property per case', () => {
  for (const kind of SHELL_MESSAGE_KINDS) {
    it(`${kind} (tag 0x${SHELL_MESSAGE_TAGS[kind].toString(16)})`, () => {
      fc.assert(
        fc.property(messageArbitraries[kind], (m) => {
          const bytes = encode(shellMessageEncoding, m);
          expect(bytes.length).toBe(sizeOf(shellMessageEncoding, m));
          expect((bytes[0]! << 8) | bytes[1]!).toBe(SHELL_MESSAGE_TAGS[kind]);
          const back = decode(shellMessageEncoding, bytes);
          expect(back).toEqual(m);
          expect(encode(shellMessageEncoding, back)).toEqual(bytes);

          // The (tag, payload) helpers are the same bytes without the tag.
          const raw = encodeShellMessage(m);
          expect(raw.tag).toBe(SHELL_MESSAGE_TAGS[kind]);
          expect(raw.payload).toEqual(bytes.subarray(2));
          expect(decodeShellMessage(raw.tag, raw.payload)).toEqual(m);

          // And inside a P2P message: [u32 size][u16 tag][payload].
          const frame = encode(p2p, { kind: 'Message', message: m });
          expect(frame.subarray(4)).toEqual(bytes);
          expect(decode(p2p, frame)).toEqual({ kind: 'Message', message: m });

          JSON.stringify(shellMessageToJson(m));
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('decoding arbitrary bytes', () => {
  it('returns a message or throws a DecodeError, never anything else', () => {
    const tags = Object.values(SHELL_MESSAGE_TAGS);
    fc.assert(
      fc.property(fc.constantFrom(...tags), fc.uint8Array({ maxLength: 300 }), (tag, payload) => {
        try {
          const m = decodeShellMessage(tag, payload);
          expect(encodeShellMessage(m).payload).toEqual(payload);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a corrupted valid message either decodes to something that re-encodes to the same bytes, or fails typed', () => {
    fc.assert(
      fc.property(anyMessage, fc.nat(), fc.integer({ min: 0, max: 255 }), (m, at, byte) => {
        const bytes = Uint8Array.from(encode(shellMessageEncoding, m));
        bytes[at % bytes.length] = byte;
        try {
          expect(encode(shellMessageEncoding, decode(shellMessageEncoding, bytes))).toEqual(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('with an opaque catch-all beside the shell cases', () => {
  it('shell tags decode typed, other application tags stay raw, and both re-encode', () => {
    const relay = p2pMessageEncoding<ShellMessage | RawAppMessage>({ app: shellAppMessages, opaque: rawAppMessages });
    fc.assert(
      fc.property(
        anyMessage,
        fc.integer({ min: 0x10, max: 0xffff }),
        fc.uint8Array({ maxLength: 40 }),
        (m, tag, payload) => {
          const shell = encode(relay, { kind: 'Message', message: m });
          expect(decode(relay, shell)).toEqual({ kind: 'Message', message: m });
          if (SHELL_MESSAGE_KINDS.some((k) => SHELL_MESSAGE_TAGS[k] === tag)) return;
          const raw = encode(relay, { kind: 'Message', message: { tag, payload } });
          expect(decode(relay, raw)).toEqual({ kind: 'Message', message: { tag, payload } });
        },
      ),
      { numRuns: 300 },
    );
  });
});
