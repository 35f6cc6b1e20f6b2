import { describe, expect, it } from 'vitest';
import {
  Base58CheckError,
  JsonShapeError,
  TimestampParseError,
  b58checkDecode,
  formatTimestamp,
  isPeerId,
  parsePeerId,
  parseTimestamp,
  peersFile,
} from '../src/index.js';

/** Bugs found by tools/fuzz (wire.parsePeerId and wire.peersJson targets), kept as plain regression tests. */
describe('fuzz regressions', () => {
  it('a bad peer id is a typed Base58CheckError (still a RangeError), not a bare RangeError', () => {
    for (const text of ['0I$mAw|9', 'idswrkB3wtyEaX3sBPkYpNV8gCqGXY', 'tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb', '']) {
      let thrown: unknown;
      try {
        parsePeerId(text);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(Base58CheckError);
      expect(thrown).toBeInstanceOf(RangeError);
      expect(thrown).toMatchObject({ code: 'INVALID_BASE58CHECK' });
      expect(isPeerId(text)).toBe(false);
    }
    expect(() => b58checkDecode('idswrkB3wtyEaX3sBPkYpNV8gCqGXZ', new Uint8Array([153, 103]), 16)).toThrow(
      Base58CheckError,
    );
  });

  it('timestamps beyond the Date range are refused, instead of breaking formatTimestamp later', () => {
    // Accepted before: 1e20 s is a finite number, and formatTimestamp then threw "Invalid time value".
    for (const text of ['99999999999999999999', '-8640000000001', '1' + '0'.repeat(400)]) {
      expect(() => parseTimestamp(text)).toThrow(TimestampParseError);
    }
    expect(() => parseTimestamp('yesterday')).toThrow(expect.objectContaining({ code: 'INVALID_TIMESTAMP' }));
    // The edges of the range still round-trip.
    for (const text of ['8640000000000', '-8640000000000'])
      expect(formatTimestamp(parseTimestamp(text))).toMatch(/-00:00$/);
  });

  it('peersFile refuses well-shaped values that would not parse, naming each', () => {
    const good = {
      peer_id: 'idrdoT9g6YwELhUQyshCcHwAzBS9zA',
      created: '2026-05-18T10:00:00.123-00:00',
      peer_metadata: null,
    };
    expect(peersFile.is([good])).toBe(true);
    const bad = [
      {
        ...good,
        peer_id: 'idrdoT9g6YwELhUQyshCcHwAzBS9zB',
        created: '99999999999999999999',
        last_disconnection: [{ addr: '::ffff:999.0.0.1', port: 1 }, '0'],
      },
    ];
    expect(peersFile.is(bad)).toBe(false);
    let thrown: unknown;
    try {
      peersFile.check(bad, 'peers.json');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(JsonShapeError);
    expect((thrown as JsonShapeError).problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      '0.peer_id',
      '0.created',
      '0.last_disconnection.0.addr',
    ]);
  });
});
