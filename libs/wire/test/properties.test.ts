import fc from 'fast-check';
import { DecodeError, decode, encode } from '@tezos-p2p/encoding';
import { describe, expect, it } from 'vitest';
import {
  type Ack,
  type P2pMessage,
  type Point,
  type RawAppMessage,
  ackEncoding,
  connectionMessageEncoding,
  makePoint,
  nackMotiveFromCode,
  p2pMessageEncoding,
  peerIdFromBytes,
  pointEncoding,
  rawAppMessages,
} from '../src/index.js';

const msg = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const ipv6 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
  .map((g) => g.map((x) => x.toString(16)).join(':'));
const point: fc.Arbitrary<Point> = fc
  .tuple(fc.oneof(ipv4, ipv6), fc.integer({ min: 0, max: 65535 }))
  .map(([ip, port]) => makePoint(ip, port));
const peerId = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(peerIdFromBytes);

const message: fc.Arbitrary<P2pMessage<RawAppMessage>> = fc.oneof(
  fc.constant({ kind: 'Disconnect' as const }),
  fc.constant({ kind: 'Bootstrap' as const }),
  fc.array(point, { maxLength: 100 }).map((points) => ({ kind: 'Advertise' as const, points })),
  fc.tuple(point, peerId).map(([p, id]) => ({ kind: 'Swap_request' as const, point: p, peerId: id })),
  fc.tuple(point, peerId).map(([p, id]) => ({ kind: 'Swap_ack' as const, point: p, peerId: id })),
  fc
    .tuple(fc.integer({ min: 0x10, max: 0xffff }), fc.uint8Array({ maxLength: 512 }))
    .map(([tag, payload]) => ({ kind: 'Message' as const, message: { tag, payload } })),
);

const ack: fc.Arbitrary<Ack> = fc.oneof(
  fc.constant({ kind: 'Ack' as const }),
  fc.constant({ kind: 'Nack_v_0' as const }),
  fc
    .tuple(fc.integer({ min: -32768, max: 32767 }), fc.array(point, { maxLength: 100 }))
    .map(([code, pts]) => ({ kind: 'Nack' as const, motive: nackMotiveFromCode(code), potentialPeersToConnect: pts })),
);

function onlyTypedErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

describe('property: wire types round trip', () => {
  it('P2P messages', () =>
    fc.assert(
      fc.property(message, (m) => {
        expect(decode(msg, encode(msg, m))).toEqual(m);
      }),
      { numRuns: 400 },
    ));
  it('Ack / Nack', () =>
    fc.assert(
      fc.property(ack, (a) => {
        expect(decode(ackEncoding, encode(ackEncoding, a))).toEqual(a);
      }),
      { numRuns: 300 },
    ));
  it('points', () =>
    fc.assert(
      fc.property(point, (p) => {
        expect(decode(pointEncoding, encode(pointEncoding, p))).toEqual(p);
      }),
      { numRuns: 500 },
    ));
});

describe('property: hostile bytes yield typed errors only', () => {
  it('P2P messages from random bytes behind a plausible header', () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x20 }), fc.uint8Array({ maxLength: 200 }), (tag, body) => {
        const b = new Uint8Array(6 + body.length);
        const v = new DataView(b.buffer);
        v.setUint32(0, 2 + body.length);
        v.setUint16(4, tag);
        b.set(body, 6);
        onlyTypedErrors(() => decode(msg, b));
      }),
      { numRuns: 2000 },
    ));
  it('acks, connection messages and points from random bytes', () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), (b) => {
        onlyTypedErrors(() => decode(ackEncoding, b));
        onlyTypedErrors(() => decode(connectionMessageEncoding, b));
        onlyTypedErrors(() => decode(pointEncoding, b));
      }),
      { numRuns: 2000 },
    ));
});
