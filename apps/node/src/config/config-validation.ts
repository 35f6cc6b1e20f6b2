import { DEFAULT_LIMITS, type P2pLimits } from '@tezos-p2p/p2p';
import { ConfigError } from './errors.js';

const SKIP = 'disable-config-validation skips this check';

function knownTable(key: string, table: P2pLimits['maxKnownPoints'], maxConnections: number): void {
  if (table === null) return;
  if (table.target > table.max)
    throw new ConfigError(key, `a target at most the maximum (${table.max}) (${SKIP})`, table.target);
  if (maxConnections > table.target)
    throw new ConfigError(
      key,
      `a target of at least p2p.limits.max-connections (${maxConnections}) (${SKIP})`,
      table.target,
    );
}

/**
 * The checks of Octez's `Config_validation` that concern the P2P layer, on the settings after the
 * command line applied: the proof-of-work range, min ≤ expected ≤ max connections, and known-peer
 * tables whose target is at most their maximum and at least the maximum number of connections.
 * Octez refuses to start on any of them unless `disable-config-validation` is set (config.json or
 * `--disable-config-validation`). Address syntax is checked whatever that setting, as Octez fails
 * on an unparsable address later anyway.
 */
export function validateConfig(expectedPow: number, powKey: string, partial: Partial<P2pLimits>): void {
  if (!(expectedPow >= 0 && expectedPow <= 256))
    throw new ConfigError(powKey, `a proof of work between 0 and 256 (${SKIP})`, expectedPow);
  const l = { ...DEFAULT_LIMITS, ...partial };
  if (l.minConnections > l.expectedConnections) {
    throw new ConfigError(
      'p2p.limits.min-connections',
      `at most p2p.limits.expected-connections (${l.expectedConnections}) (${SKIP})`,
      l.minConnections,
    );
  }
  if (l.expectedConnections > l.maxConnections) {
    throw new ConfigError(
      'p2p.limits.expected-connections',
      `at most p2p.limits.max-connections (${l.maxConnections}) (${SKIP})`,
      l.expectedConnections,
    );
  }
  knownTable('p2p.limits.max_known_peer_ids', l.maxKnownPeerIds, l.maxConnections);
  knownTable('p2p.limits.max_known_points', l.maxKnownPoints, l.maxConnections);
}
