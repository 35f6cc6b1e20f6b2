import { DecodeError, EncodeError, type Encoding, decode, encode, union, unionCase } from '@tezos-p2p/encoding';
import type { AppMessageEncoding, RawAppMessage } from '@tezos-p2p/wire';
import { DEFAULT_SHELL_BOUNDS, type ShellBounds } from './bounds.js';
import { type ShellMessageCase, shellMessageCases } from './cases.js';
import type { ShellMessage, ShellMessageKind } from './types.js';

/** Everything needed to read and write shell messages under one set of bounds. */
export interface ShellCodec {
  readonly bounds: ShellBounds;
  readonly cases: readonly ShellMessageCase[];
  /** `[uint16 tag][payload]`: one shell message, without the P2P layer's 4-byte size. */
  readonly encoding: Encoding<ShellMessage>;
  /** The cases as the P2P codec takes them: `p2pMessageEncoding({ app: codec.appMessages })`. */
  readonly appMessages: readonly AppMessageEncoding<ShellMessage>[];
  /** Decode one application message body; an undefined tag is an UNEXPECTED_TAG `DecodeError`. */
  decode(tag: number, payload: Uint8Array): ShellMessage;
  /** The tag and payload of `msg`, as the P2P layer's opaque `RawAppMessage` carries them. */
  encode(msg: ShellMessage): RawAppMessage;
}

const inject =
  (kind: ShellMessageKind) =>
  (p: object): ShellMessage =>
    ({ kind, ...p }) as ShellMessage;

export function createShellCodec(bounds: ShellBounds = DEFAULT_SHELL_BOUNDS): ShellCodec {
  const cases = shellMessageCases(bounds);
  const byTag = new Map<number, ShellMessageCase>(cases.map((c) => [c.tag, c]));
  const byKind = new Map<ShellMessageKind, ShellMessageCase>(cases.map((c) => [c.kind, c]));

  const encoding = union<ShellMessage>(
    'uint16',
    cases.map((c) =>
      unionCase<ShellMessage, object>({
        tag: c.tag,
        title: c.kind,
        encoding: c.encoding as Encoding<object>,
        match: (m) => m.kind === c.kind,
        // The payload encodings are objects that read only their own fields, so `kind` is ignored.
        proj: (m) => m,
        inj: inject(c.kind),
      }),
    ),
    'shell_message',
  );

  const appMessages = cases.map((c): AppMessageEncoding<ShellMessage, object> => ({
    tag: c.tag,
    title: c.kind,
    encoding: c.encoding as Encoding<object>,
    wrap: inject(c.kind),
    unwrap: (m) => (m.kind === c.kind ? m : undefined),
  }));

  return Object.freeze({
    bounds,
    cases,
    encoding,
    appMessages: Object.freeze(appMessages),
    decode(tag: number, payload: Uint8Array): ShellMessage {
      const c = byTag.get(tag);
      if (c === undefined)
        throw new DecodeError(
          'UNEXPECTED_TAG',
          0,
          `shell message: tag 0x${tag.toString(16).padStart(4, '0')} is not defined`,
        );
      try {
        return inject(c.kind)(decode(c.encoding as Encoding<object>, payload));
      } catch (e) {
        throw e instanceof DecodeError ? e.withParent(c.kind) : e;
      }
    },
    encode(msg: ShellMessage): RawAppMessage {
      const c = msg !== null && typeof msg === 'object' ? byKind.get(msg.kind) : undefined;
      if (c === undefined) throw new EncodeError('NO_CASE_MATCHED', 'shell message: unknown kind');
      try {
        return { tag: c.tag, payload: encode(c.encoding as Encoding<object>, msg) };
      } catch (e) {
        throw e instanceof EncodeError ? e.withParent(c.kind) : e;
      }
    },
  });
}
