import { DecodeError, decode, encode, fromHex, toHex } from '@tezos-p2p/encoding';
import { readFixtureJson, readFixtureText } from '@tezos-p2p/fixtures';
import { describe, expect, it } from 'vitest';
import {
  type Ack,
  type P2pMessage,
  type PeerId,
  type Point,
  type RawAppMessage,
  ackEncoding,
  discoveryDatagramEncoding,
  makePoint,
  networkVersionEncoding,
  p2pMessageEncoding,
  peerIdFromBytes,
  pointEncoding,
  rawAppMessages,
  shellConnectionMetadataEncoding,
} from '../src/index.js';
import { nackMotive } from '../src/rejection.js';

const msg = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });
const A = peerIdFromBytes(fromHex('56cde7b29892029dd5835a755384b154')) as PeerId;
const local = makePoint('127.0.0.1', 9732);

function roundTrip<T>(enc: Parameters<typeof encode<T>>[0], value: T, hex: string): void {
  expect(toHex(encode(enc, value))).toBe(hex);
  expect(decode(enc, fromHex(hex))).toEqual(value);
}

describe('shared/spec/vectors.md §7: P2P messages and Ack', () => {
  const cases: [string, P2pMessage<RawAppMessage>, string][] = [
    ['Disconnect', { kind: 'Disconnect' }, '000000020001'],
    ['Bootstrap', { kind: 'Bootstrap' }, '000000020002'],
    ['Advertise []', { kind: 'Advertise', points: [] }, '000000020003'],
    [
      'Advertise [127.0.0.1:9732; [::1]:9732]',
      { kind: 'Advertise', points: [local, makePoint('::1', 9732)] },
      '000000220003' + '0000000e3132372e302e302e313a39373332' + '0000000a5b3a3a315d3a39373332',
    ],
    [
      'Swap_request',
      { kind: 'Swap_request', point: local, peerId: A },
      '000000240004' + '0000000e3132372e302e302e313a39373332' + '56cde7b29892029dd5835a755384b154',
    ],
    [
      'Swap_ack',
      { kind: 'Swap_ack', point: local, peerId: A },
      '000000240005' + '0000000e3132372e302e302e313a39373332' + '56cde7b29892029dd5835a755384b154',
    ],
    [
      'Get_current_branch (opaque app message)',
      { kind: 'Message', message: { tag: 0x10, payload: fromHex('7a06a770') } },
      '0000000600107a06a770',
    ],
  ];
  it.each(cases)('%s', (_name, value, hex) => roundTrip(msg, value, hex));

  const acks: [string, Ack, string][] = [
    ['Ack', { kind: 'Ack' }, '00'],
    ['Nack_v_0', { kind: 'Nack_v_0' }, 'ff'],
    [
      'Nack Too_many_connections [127.0.0.1:9732]',
      { kind: 'Nack', motive: nackMotive('Too_many_connections'), potentialPeersToConnect: [local] },
      '01000100000012' + '0000000e3132372e302e302e313a39373332',
    ],
    // tezedge tests/encoding_ack.rs
    [
      'Nack Deprecated_p2p_version',
      {
        kind: 'Nack',
        motive: nackMotive('Deprecated_p2p_version'),
        potentialPeersToConnect: [makePoint('127.0.0.1', 9832)],
      },
      '010003000000120000000e3132372e302e302e313a39383332',
    ],
    [
      'Nack Unknown_chain_name',
      {
        kind: 'Nack',
        motive: nackMotive('Unknown_chain_name'),
        potentialPeersToConnect: [makePoint('127.0.0.1', 9832)],
      },
      '010002000000120000000e3132372e302e302e313a39383332',
    ],
    [
      'Nack Too_many_connections, no points',
      { kind: 'Nack', motive: nackMotive('Too_many_connections'), potentialPeersToConnect: [] },
      '01000100000000',
    ],
    [
      'Nack with an unknown motive keeps its code',
      { kind: 'Nack', motive: { kind: 'Unknown_motive', code: -7 }, potentialPeersToConnect: [] },
      '01fff900000000',
    ],
  ];
  it.each(acks)('%s', (_name, value, hex) => roundTrip(ackEncoding, value, hex));

  it('metadata is two bools: disable_mempool then private_node', () => {
    roundTrip(shellConnectionMetadataEncoding, { disableMempool: false, privateNode: false }, '0000');
    roundTrip(shellConnectionMetadataEncoding, { disableMempool: true, privateNode: false }, 'ff00');
    roundTrip(shellConnectionMetadataEncoding, { disableMempool: false, privateNode: true }, '00ff');
  });

  it('LAN discovery datagram', () => {
    roundTrip(
      discoveryDatagramEncoding,
      { peerId: A, port: 9732 },
      '444953434f4d41474943' + '56cde7b29892029dd5835a755384b154' + '2604',
    );
    expect(() =>
      decode(
        discoveryDatagramEncoding,
        fromHex('58' + '4953434f4d41474943' + '56cde7b29892029dd5835a755384b154' + '2604'),
      ),
    ).toThrow(DecodeError);
  });

  it('tezedge encoding_advertise.rs payload (IPv6 with a zero group, IPv4)', () => {
    const payload =
      '0000001e5b666538303a3a653832383a323039643a3230653a633061655d3a333735000000133233342e3132332e3132342e39313a39383736000000133132332e3132332e3132342e32313a39383736';
    const size = (payload.length / 2 + 2).toString(16).padStart(8, '0');
    const m = decode(msg, fromHex(size + '0003' + payload));
    expect(m).toEqual({
      kind: 'Advertise',
      points: [
        makePoint('fe80::e828:209d:20e:c0ae', 375),
        makePoint('234.123.124.91', 9876),
        makePoint('123.123.124.21', 9876),
      ],
    });
    expect(toHex(encode(msg, m))).toBe(size + '0003' + payload);
  });

  it('rejects a size of 0 (no tag) and two tags inside one size (tezedge encoding_peer_message.rs)', () => {
    const e1 = (() => {
      try {
        decode(msg, fromHex('00000000'));
      } catch (e) {
        return e as DecodeError;
      }
    })();
    expect(e1?.code).toBe('NOT_ENOUGH_DATA');
    const e2 = (() => {
      try {
        decode(msg, fromHex('0000000400020001'));
      } catch (e) {
        return e as DecodeError;
      }
    })();
    expect(e2?.code).toBe('EXTRA_BYTES');
  });

  it('rejects unassigned P2P tags, hostnames, missing ports and over-long points', () => {
    expect(() => decode(msg, fromHex('000000020006'))).toThrow(/UNEXPECTED_TAG/);
    expect(() => decode(msg, fromHex('000000020000'))).toThrow(/UNEXPECTED_TAG/);
    const text = (s: string) => toHex(new TextEncoder().encode(s));
    const str = (s: string) => s.length.toString(16).padStart(8, '0') + text(s);
    for (const bad of ['foo.com:9732', '127.0.0.1', '[::1]', '127.0.0.1:70000', '::1:9732']) {
      expect(() => decode(pointEncoding, fromHex(str(bad))), bad).toThrow(/INVALID_VALUE/);
    }
    const long = '[1111:2222:3333:4444:5555:6666:7777:8888]:65535';
    expect(() => decode(pointEncoding, fromHex(str(long + ' ')))).toThrow(/SIZE_LIMIT_EXCEEDED/);
  });

  it('Advertise holds at most 100 points', () => {
    const points: Point[] = Array.from({ length: 101 }, (_, i) => makePoint(`10.0.0.${i % 250}`, 1000 + i));
    expect(() => encode(msg, { kind: 'Advertise', points })).toThrow(/LIST_TOO_LONG/);
    const ok = encode(msg, { kind: 'Advertise', points: points.slice(0, 100) });
    const extra = encode(pointEncoding, points[100]!);
    const tooMany = new Uint8Array(ok.length + extra.length);
    tooMany.set(ok);
    tooMany.set(extra, ok.length);
    new DataView(tooMany.buffer).setUint32(0, tooMany.length - 4);
    expect(() => decode(msg, tooMany)).toThrow(/LIST_TOO_LONG/);
  });
});

describe('octez-codec network_version regression (OCaml-produced bytes)', () => {
  it('matches tezt/tests/expected/encoding.ml network_version', () => {
    const sample = readFixtureJson<{ chain_name: string; distributed_db_version: number; p2p_version: number }>(
      'octez/network_version.sample.json',
    );
    const out = readFixtureText('octez/network_version.regression.out');
    const hex = /([0-9a-f]{24,})/.exec(out)![1]!;
    const value = {
      chainName: sample.chain_name,
      distributedDbVersion: sample.distributed_db_version,
      p2pVersion: sample.p2p_version,
    };
    expect(hex).toBe('000000046d61696e00010000');
    roundTrip(networkVersionEncoding, value, hex);
  });
});
