/**
 * Port of Octez v25.1 `src/lib_p2p/test/test_p2p_peerset.ml` (suite "p2p.peerset"): the peer-id FIFO
 * cache of `P2p_acl` (`PeerFIFOCache`), here `FifoSet` of peer ids (the peer greylist's set). Peer ids
 * are Octez's `P2p_peer.Id.hash_string [s]` (Blake2b-128 of `s`).
 */
import { getCryptoBackend } from '@tezos-p2p/crypto';
import { type PeerId, peerIdFromBytes } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { FifoSet } from '../src/index.js';

const backend = getCryptoBackend();
const a = (s: string): PeerId => peerIdFromBytes(backend.blake2b(16, [new TextEncoder().encode(s)]));
const fooBarBaz = () => ['foo', 'bar', 'baz'].map(a);

describe('test_p2p_peerset.ml (p2p.peerset)', () => {
  it('test_p2p_peerset: empty — a new cache contains no peer', () => {
    const empty = new FifoSet<PeerId>(10);
    for (const peer of fooBarBaz()) expect(empty.has(peer)).toBe(false);
  });

  it('test_p2p_peerset: add — added peers are members', () => {
    const set = new FifoSet<PeerId>(10);
    for (const peer of fooBarBaz()) set.add(peer);
    for (const peer of fooBarBaz()) expect(set.has(peer)).toBe(true);
  });

  it('test_p2p_peerset: LRU overflow — a full cache of 3 evicts the least recently added; re-adding refreshes, mem does not', () => {
    const set = new FifoSet<PeerId>(3);
    for (const peer of fooBarBaz()) set.add(peer);
    set.add(a('foo'));
    set.add(a('zor'));
    expect(set.has(a('zor'))).toBe(true);
    expect(set.has(a('foo'))).toBe(true);
    expect(set.has(a('bar'))).toBe(false);
    expect(set.has(a('baz'))).toBe(true);
    set.add(a('baz'));
    set.add(a('baz'));
    set.add(a('baz'));
    set.add(a('qux'));
    expect(set.has(a('foo'))).toBe(false);
    expect(set.has(a('zor'))).toBe(true);
    expect(set.has(a('baz'))).toBe(true);
    expect(set.has(a('qux'))).toBe(true);
  });

  it('test_p2p_peerset: remove — a removed peer is no longer a member', () => {
    const set = new FifoSet<PeerId>(10);
    for (const peer of fooBarBaz()) set.add(peer);
    expect(set.has(a('bar'))).toBe(true);
    set.remove(a('bar'));
    expect(set.has(a('bar'))).toBe(false);
  });
});
