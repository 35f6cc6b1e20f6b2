import { type Encoding, conv, empty, int16, list, obj, union, unionCase } from '@tezos-p2p/encoding';
import { type Point, pointEncoding } from './point.js';
import { type NackMotive, nackMotiveCode, nackMotiveFromCode } from './rejection.js';

/** The answer to a handshake, one encrypted chunk each way (`P2p_socket.Ack.t`). */
export type Ack =
  | { readonly kind: 'Ack' }
  | { readonly kind: 'Nack_v_0' }
  | { readonly kind: 'Nack'; readonly motive: NackMotive; readonly potentialPeersToConnect: readonly Point[] };

/**
 * At most 100 alternative points in a Nack: the list's `max_length`, so a longer one does not encode
 * (Octez's connect handler offers 50, "never send more than 100 points, you would be greylisted").
 */
export const NACK_MAX_POINTS = 100;

const motiveEncoding: Encoding<NackMotive> = conv(int16, nackMotiveCode, nackMotiveFromCode, 'motive');

const nackPayload = obj(
  { motive: motiveEncoding, potentialPeersToConnect: list(pointEncoding, { maxLength: NACK_MAX_POINTS }) },
  'nack',
);

/** uint8 tag: 0x00 Ack, 0x01 Nack {int16 motive; list of points}, 0xff Nack_v_0. */
export const ackEncoding: Encoding<Ack> = union<Ack>(
  'uint8',
  [
    unionCase({
      tag: 0x00,
      title: 'Ack',
      encoding: empty,
      match: (v: Ack) => v.kind === 'Ack',
      proj: () => undefined,
      inj: (): Ack => ({ kind: 'Ack' }),
    }),
    unionCase({
      tag: 0x01,
      title: 'Nack',
      encoding: nackPayload,
      match: (v: Ack) => v.kind === 'Nack',
      proj: (v: Ack) => {
        const n = v as Extract<Ack, { kind: 'Nack' }>;
        return { motive: n.motive, potentialPeersToConnect: [...n.potentialPeersToConnect] };
      },
      inj: (p: { motive: NackMotive; potentialPeersToConnect: Point[] }): Ack => ({ kind: 'Nack', ...p }),
    }),
    unionCase({
      tag: 0xff,
      title: 'Nack_v_0',
      encoding: empty,
      match: (v: Ack) => v.kind === 'Nack_v_0',
      proj: () => undefined,
      inj: (): Ack => ({ kind: 'Nack_v_0' }),
    }),
  ],
  'ack',
);

/**
 * `Nack_with_list` is available from p2p version 1: older peers get the bare Nack_v_0. The points are
 * kept as given, never truncated (as `P2p_socket.nack`): more than `NACK_MAX_POINTS` fail to encode.
 */
export function nackFor(remoteP2pVersion: number, motive: NackMotive, points: readonly Point[]): Ack {
  return remoteP2pVersion > 0 ? { kind: 'Nack', motive, potentialPeersToConnect: points } : { kind: 'Nack_v_0' };
}
