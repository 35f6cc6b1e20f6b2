import type { PeerInfo } from './peer-info.js';
import type { PointInfo } from './point-info.js';

/**
 * `gc_points`: when over target, remove untrusted disconnected points, those whose last miss is the
 * oldest first (never-missed points count as "now", so they go last).
 */
export function pointsToCollect<C>(
  points: Iterable<PointInfo<C>>,
  size: number,
  target: number,
  now: number,
): PointInfo<C>[] {
  if (size <= target) return [];
  const candidates = [...points].filter((p) => p.state.kind === 'Disconnected' && !p.trusted);
  candidates.sort((a, b) => (a.lastMiss ?? now) - (b.lastMiss ?? now));
  return candidates.slice(0, size - target);
}

/**
 * `gc_peer_ids`: remove untrusted disconnected peers, lowest score first and, on equal scores (the
 * node's score is constant), the most recently created first.
 */
export function peersToCollect<C, PM, CM>(
  peers: Iterable<PeerInfo<C, PM, CM>>,
  size: number,
  target: number,
  score: (m: PM) => number,
): PeerInfo<C, PM, CM>[] {
  if (size <= target) return [];
  const candidates = [...peers].filter((p) => p.state.kind === 'Disconnected' && !p.trusted);
  // Scored once each, reading the metadata without storing it: a peer whose metadata was never
  // made is scored on an initial value, not given one to keep.
  const scores = new Map(candidates.map((p) => [p, score(p.readMetadata())]));
  candidates.sort((a, b) => {
    const sa = scores.get(a)!;
    const sb = scores.get(b)!;
    return sa !== sb ? sa - sb : b.created - a.created;
  });
  return candidates.slice(0, size - target);
}
