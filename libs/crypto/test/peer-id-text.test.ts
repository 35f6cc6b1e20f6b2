import fc from 'fast-check';
import { peerIdFromBytes } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { peerIdText } from '../src/peer-id-text.js';

describe('peerIdText: the peer id text derived natively', () => {
  it('matches the wire encoding (bs58check) for every 16-byte hash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (h) => {
        expect(peerIdText(h)).toBe(peerIdFromBytes(h));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches on the extremes (all zero, all 0xff)', () => {
    for (const h of [new Uint8Array(16), new Uint8Array(16).fill(0xff)]) expect(peerIdText(h)).toBe(peerIdFromBytes(h));
  });
});
