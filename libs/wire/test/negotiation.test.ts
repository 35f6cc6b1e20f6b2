import { DecodeError, decode, encode, fromHex, toHex } from '@tezos-p2p/encoding';
import { describe, expect, it } from 'vitest';
import {
  NACK_MAX_POINTS,
  ackEncoding,
  announcedVersion,
  decodeConnectionMessageFrame,
  encodeConnectionMessageFrame,
  nackFor,
  selectVersion,
  CHAIN_NAMES,
} from '../src/index.js';
import { nackMotive } from '../src/rejection.js';

const local = { chainName: 'TEZOS_MAINNET', distributedDbVersions: [0, 1, 2], p2pVersions: [0, 1] };

describe('version selection (P2p_connect_handler.select)', () => {
  it('announces the greatest supported versions', () => {
    expect(announcedVersion(CHAIN_NAMES.mainnet)).toEqual({
      chainName: 'TEZOS_MAINNET',
      distributedDbVersion: 2,
      p2pVersion: 1,
    });
  });

  it('picks min(ours, theirs) and requires byte-equal chain names', () => {
    expect(selectVersion(local, { chainName: 'TEZOS_MAINNET', distributedDbVersion: 0, p2pVersion: 1 })).toEqual({
      ok: true,
      version: { chainName: 'TEZOS_MAINNET', distributedDbVersion: 0, p2pVersion: 1 },
    });
    expect(selectVersion(local, { chainName: 'TEZOS_MAINNET', distributedDbVersion: 7, p2pVersion: 9 })).toEqual({
      ok: true,
      version: { chainName: 'TEZOS_MAINNET', distributedDbVersion: 2, p2pVersion: 1 },
    });
    expect(selectVersion(local, { chainName: 'TEZOS_MAINNET ', distributedDbVersion: 2, p2pVersion: 1 })).toEqual({
      ok: false,
      motive: nackMotive('Unknown_chain_name'),
    });
  });

  it('rejects versions we cannot speak', () => {
    const old = { ...local, distributedDbVersions: [2], p2pVersions: [1] };
    expect(selectVersion(old, { chainName: 'TEZOS_MAINNET', distributedDbVersion: 1, p2pVersion: 1 })).toEqual({
      ok: false,
      motive: nackMotive('Deprecated_distributed_db_version'),
    });
    expect(selectVersion(old, { chainName: 'TEZOS_MAINNET', distributedDbVersion: 2, p2pVersion: 0 })).toEqual({
      ok: false,
      motive: nackMotive('Deprecated_p2p_version'),
    });
  });

  it('Nack with a list only for peers announcing p2p version > 0', () => {
    expect(nackFor(0, nackMotive('Too_many_connections'), [])).toEqual({ kind: 'Nack_v_0' });
    expect(nackFor(1, nackMotive('Too_many_connections'), [])).toEqual({
      kind: 'Nack',
      motive: nackMotive('Too_many_connections'),
      potentialPeersToConnect: [],
    });
  });

  it('keeps every point as Octez does: 100 encode, 101 fail with LIST_TOO_LONG (never truncated)', () => {
    const points = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ ip: `10.0.${i >> 8}.${i & 0xff}`, port: 9732 }));
    const hundred = nackFor(1, nackMotive('Too_many_connections'), points(NACK_MAX_POINTS));
    expect(decode(ackEncoding, encode(ackEncoding, hundred))).toEqual(hundred);
    const tooMany = nackFor(1, nackMotive('Too_many_connections'), points(NACK_MAX_POINTS + 1));
    expect(tooMany.kind === 'Nack' && tooMany.potentialPeersToConnect).toHaveLength(NACK_MAX_POINTS + 1);
    expect(() => encode(ackEncoding, tooMany)).toThrow(expect.objectContaining({ code: 'LIST_TOO_LONG' }));
  });
});

describe('connection message framing', () => {
  // vectors.md §5 A_conn_msg_raw
  const A =
    '0067260494498d9416140fbc458495333daac1b4c87e419f5726717a54f9b6c67476ae1cbbc2300149249e1ccc84a54362236c3cbbc2cc2ffbd3b6ea000102030405060708090a0b0c0d0e0f10111213141516170000000d54455a4f535f4d41494e4e455400020001';

  it('round trips the derived mainnet handshake message (len 0x0067, 105 bytes)', () => {
    const m = decodeConnectionMessageFrame(fromHex(A));
    expect(m.port).toBe(9732);
    expect(toHex(m.messageNonce)).toBe('000102030405060708090a0b0c0d0e0f1011121314151617');
    expect(toHex(encodeConnectionMessageFrame(m))).toBe(A);
  });

  it('port 0 means none', () => {
    const m = { ...decodeConnectionMessageFrame(fromHex(A)), port: undefined };
    const f = encodeConnectionMessageFrame(m);
    expect(toHex(f.subarray(2, 4))).toBe('0000');
    expect(decodeConnectionMessageFrame(f).port).toBeUndefined();
  });

  it('truncated chain name and trailing bytes are typed errors with absolute offsets', () => {
    const truncated = fromHex('0057' + A.slice(4, 4 + 0x57 * 2));
    const e = (() => {
      try {
        decodeConnectionMessageFrame(truncated);
      } catch (x) {
        return x as DecodeError;
      }
    })();
    expect(e).toBeInstanceOf(DecodeError);
    expect(e?.code).toBe('NOT_ENOUGH_DATA');
    expect(e?.path).toEqual(['version', 'chainName']);
    const extra = fromHex('0068' + A.slice(4) + '00');
    expect(() => decodeConnectionMessageFrame(extra)).toThrow(/EXTRA_BYTES/);
  });
});
