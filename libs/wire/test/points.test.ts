import { describe, expect, it } from 'vitest';
import {
  PointParseError,
  canonicalIp,
  formatIpv6,
  ipToBytes,
  ipToP2pAddr,
  makePoint,
  parsePoint,
  parsePointWithPeerId,
  pointToString,
} from '../src/index.js';

describe('IPv6 text form (ocaml-ipaddr V6.to_string, RFC 5952)', () => {
  const cases: [string, string][] = [
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    ['2001:DB8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not elided
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run wins
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // equal runs: the leftmost is elided
    ['fe80::e828:209d:20e:c0ae', 'fe80::e828:209d:20e:c0ae'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::ffff:0102:0304', '::ffff:1.2.3.4'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:0:0:0:0:0:0', '1::'],
  ];
  it.each(cases)('%s -> %s', (input, out) => expect(formatIpv6(ipToBytes(input))).toBe(out));

  it('IPv4 is stored mapped and shown dotted; P2p_addr JSON shows the mapped form', () => {
    expect(canonicalIp('127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(ipToP2pAddr('192.0.2.10')).toBe('::ffff:192.0.2.10');
    expect(ipToP2pAddr('::1')).toBe('::1');
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['1.2.3', '256.1.1.1', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', '', '::ffff:1.2.3']) {
      expect(() => ipToBytes(bad), bad).toThrow();
    }
  });
});

describe('points (P2p_point.Id)', () => {
  it('prints a.b.c.d:port and [v6]:port', () => {
    expect(pointToString(makePoint('::ffff:10.0.0.1', 9732))).toBe('10.0.0.1:9732');
    expect(pointToString(makePoint('::1', 9732))).toBe('[::1]:9732');
  });

  // shared/spec/vectors.md §9 (points.ok), restricted to what the wire decoder accepts
  it('accepts IP literals with a port and an optional #peer_id', () => {
    expect(parsePointWithPeerId('127.0.0.1:8444#idqSpQPFDBN4yMhLEzwtqGgxRLNrj4')).toEqual({
      point: { ip: '127.0.0.1', port: 8444 },
      peerId: 'idqSpQPFDBN4yMhLEzwtqGgxRLNrj4',
    });
    expect(parsePoint('[::]:8444')).toEqual({ ip: '::', port: 8444 });
    expect(parsePoint('[0::0:0]:8444#idqSpQPFDBN4yMhLEzwtqGgxRLNrj4')).toEqual({ ip: '::', port: 8444 });
  });

  // points.ok entries that are not IP literals with a port, and every points.ko entry
  it.each([
    'foo.com',
    'foo.com:8444',
    '_:8444',
    ':8444',
    '[::]',
    '[ff:ff:ff::ff:00:ff]',
    'http://foo.com',
    'foo.com@',
    'foo.com::8444',
    'foo.com/bar',
    'foo.com:bar',
    'foo.com:123##',
    'foo.com#1234',
    '#1234',
    'foo.com:-1',
    'foo.com:70000',
    'foo.com:8c',
    'foo.com:#idqSpQPFDBN4yMhLEzwtqGgxRLNrj4',
    ':::8732',
    '127.0.0.1:8444#1234',
  ])('rejects %s', (text) => expect(() => parsePoint(text)).toThrow(PointParseError));

  it('a default port may be supplied for configuration input', () => {
    expect(parsePoint('10.1.2.3', { defaultPort: 9732 })).toEqual({ ip: '10.1.2.3', port: 9732 });
    expect(parsePoint('[::1]', { defaultPort: 9732 })).toEqual({ ip: '::1', port: 9732 });
  });
});
