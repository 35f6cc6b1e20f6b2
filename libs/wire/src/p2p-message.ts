import {
  EncodeError,
  type Encoding,
  EncodingDefinitionError,
  VARIABLE,
  Variable,
  checkSize,
  decodeErrorAt,
  dynamicSize,
  encodeErrorAt,
  tuple,
  variableList,
} from '@tezos-p2p/encoding';
import { type PeerId, peerIdEncoding } from './peer-id.js';
import { type Point, pointEncoding } from './point.js';

/** A message on an authenticated connection (`P2p_message.t`), generic over the application messages. */
export type P2pMessage<M> =
  | { readonly kind: 'Disconnect' }
  | { readonly kind: 'Bootstrap' }
  | { readonly kind: 'Advertise'; readonly points: readonly Point[] }
  | { readonly kind: 'Swap_request'; readonly point: Point; readonly peerId: PeerId }
  | { readonly kind: 'Swap_ack'; readonly point: Point; readonly peerId: PeerId }
  | { readonly kind: 'Message'; readonly message: M };

export type P2pMessageKind = P2pMessage<unknown>['kind'];

/**
 * One application message case, as the caller declares it (`P2p_params.Encoding`): it becomes one
 * more case of the same uint16-tagged union, so its bytes are `[size][tag][payload]`.
 */
export interface AppMessageEncoding<M, P = unknown> {
  /** At least 0x10: tags 0x01–0x0f belong to the P2P layer. */
  readonly tag: number;
  readonly title: string;
  readonly encoding: Encoding<P>;
  wrap(payload: P): M;
  /** The payload if `message` is this case, else `undefined`. */
  unwrap(message: M): P | undefined;
}

/** Catch-all for application tags without a declared case: keeps the raw payload. */
export interface OpaqueAppMessages<M> {
  wrap(tag: number, payload: Uint8Array): M;
  unwrap(message: M): { tag: number; payload: Uint8Array } | undefined;
}

export interface P2pMessageEncodingOptions<M> {
  readonly app?: readonly AppMessageEncoding<M, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly opaque?: OpaqueAppMessages<M>;
}

/** A raw application message, for tools that carry traffic without interpreting it. */
export interface RawAppMessage {
  readonly tag: number;
  readonly payload: Uint8Array;
}

export const rawAppMessages: OpaqueAppMessages<RawAppMessage> = {
  wrap: (tag, payload) => ({ tag, payload }),
  unwrap: (m) => m,
};

export const TAG_DISCONNECT = 0x01;
export const TAG_BOOTSTRAP = 0x02;
export const TAG_ADVERTISE = 0x03;
export const TAG_SWAP_REQUEST = 0x04;
export const TAG_SWAP_ACK = 0x05;
export const FIRST_APP_TAG = 0x10;

/** Whole-message cap including the 4-byte size (100 MiB, `P2p_message.encoding`). */
export const P2P_MESSAGE_MAX_SIZE = 100 * 1024 * 1024;
/** At most 100 points per Advertise. */
export const ADVERTISE_MAX_POINTS = 100;

const advertisePayload = variableList(pointEncoding, { maxLength: ADVERTISE_MAX_POINTS });
const swapPayload = tuple(pointEncoding, peerIdEncoding);

/**
 * `[uint30 size][uint16 tag][payload]` capped at 100 MiB in all, with the P2P cases on tags 1–5
 * and the caller's application cases (or an opaque catch-all) on tags from 0x10.
 */
export function p2pMessageEncoding<M>(opts: P2pMessageEncodingOptions<M> = {}): Encoding<P2pMessage<M>> {
  const app = opts.app ?? [];
  const byTag = new Map<number, AppMessageEncoding<M>>();
  for (const c of app) {
    if (!Number.isInteger(c.tag) || c.tag < FIRST_APP_TAG || c.tag > 0xffff)
      throw new EncodingDefinitionError(`application tag ${c.tag} must be in [0x10, 0xffff]`);
    if (byTag.has(c.tag)) throw new EncodingDefinitionError(`duplicate application tag 0x${c.tag.toString(16)}`);
    byTag.set(c.tag, c);
  }
  const opaque = opts.opaque;

  const findApp = (m: M): { tag: number; title: string; enc: Encoding<unknown>; payload: unknown } => {
    for (const c of app) {
      const p = c.unwrap(m);
      if (p !== undefined) return { tag: c.tag, title: c.title, enc: c.encoding, payload: p };
    }
    const raw = opaque?.unwrap(m);
    if (raw !== undefined) {
      if (!Number.isInteger(raw.tag) || raw.tag < FIRST_APP_TAG || raw.tag > 0xffff)
        throw new EncodeError('INVALID_VALUE', `application tag ${raw.tag} must be in [0x10, 0xffff]`);
      return {
        tag: raw.tag,
        title: `app 0x${raw.tag.toString(16)}`,
        enc: Variable.bytes as Encoding<unknown>,
        payload: raw.payload,
      };
    }
    throw new EncodeError('NO_CASE_MATCHED', 'no application encoding matches the message');
  };

  const body: Encoding<P2pMessage<M>> = {
    sizeClass: VARIABLE,
    title: 'p2p_message',
    sizeOf(v) {
      switch (v.kind) {
        case 'Disconnect':
        case 'Bootstrap':
          return 2;
        case 'Advertise':
          return 2 + advertisePayload.sizeOf([...v.points]);
        case 'Swap_request':
        case 'Swap_ack':
          return 2 + swapPayload.sizeOf([v.point, v.peerId]);
        case 'Message': {
          const a = findApp(v.message);
          return 2 + a.enc.sizeOf(a.payload);
        }
      }
    },
    write(w, v) {
      switch (v.kind) {
        case 'Disconnect':
          return w.uint16(TAG_DISCONNECT);
        case 'Bootstrap':
          return w.uint16(TAG_BOOTSTRAP);
        case 'Advertise':
          w.uint16(TAG_ADVERTISE);
          try {
            return advertisePayload.write(w, [...v.points]);
          } catch (e) {
            throw encodeErrorAt(e, 'Advertise');
          }
        case 'Swap_request':
        case 'Swap_ack':
          w.uint16(v.kind === 'Swap_request' ? TAG_SWAP_REQUEST : TAG_SWAP_ACK);
          try {
            return swapPayload.write(w, [v.point, v.peerId]);
          } catch (e) {
            throw encodeErrorAt(e, v.kind);
          }
        case 'Message': {
          const a = findApp(v.message);
          w.uint16(a.tag);
          try {
            return a.enc.write(w, a.payload);
          } catch (e) {
            throw encodeErrorAt(e, a.title);
          }
        }
      }
    },
    read(r) {
      const at = r.pos;
      const tag = r.uint16();
      const payloadAt = r.pos;
      try {
        switch (tag) {
          case TAG_DISCONNECT:
            return { kind: 'Disconnect' };
          case TAG_BOOTSTRAP:
            return { kind: 'Bootstrap' };
          case TAG_ADVERTISE:
            return { kind: 'Advertise', points: advertisePayload.read(r) };
          case TAG_SWAP_REQUEST:
          case TAG_SWAP_ACK: {
            const [point, peerId] = swapPayload.read(r);
            return { kind: tag === TAG_SWAP_REQUEST ? 'Swap_request' : 'Swap_ack', point, peerId };
          }
        }
      } catch (e) {
        throw decodeErrorAt(
          e,
          ['', 'Disconnect', 'Bootstrap', 'Advertise', 'Swap_request', 'Swap_ack'][tag]!,
          payloadAt,
        );
      }
      // No declared cases (a relay of raw messages): no lookup per message.
      const c = byTag.size === 0 ? undefined : byTag.get(tag);
      if (c !== undefined) {
        let p: unknown;
        try {
          p = c.encoding.read(r);
          return { kind: 'Message', message: c.wrap(p) };
        } catch (e) {
          throw decodeErrorAt(e, c.title, payloadAt);
        }
      }
      if (opaque !== undefined && tag >= FIRST_APP_TAG)
        return { kind: 'Message', message: opaque.wrap(tag, r.take(r.remaining)) };
      return r.fail('UNEXPECTED_TAG', `p2p_message: tag 0x${tag.toString(16).padStart(4, '0')}`, at);
    },
  };

  return checkSize(P2P_MESSAGE_MAX_SIZE, dynamicSize(body, { title: 'p2p_message' }));
}

/** Name of a message for logs and metrics: the P2P kind, or the application case title. */
export function p2pMessageKindName<M>(msg: P2pMessage<M>, app: readonly AppMessageEncoding<M>[] = []): string {
  if (msg.kind !== 'Message') return msg.kind;
  for (const c of app) if (c.unwrap(msg.message) !== undefined) return c.title;
  return 'Message';
}
