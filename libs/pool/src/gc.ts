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
  candidates.sort((a, b) => {
    const sa = score(a.peerMetadata);
    const sb = score(b.peerMetadata);
    return sa !== sb ? sa - sb : b.created - a.created;
  });
  return candidates.slice(0, size - target);
}
