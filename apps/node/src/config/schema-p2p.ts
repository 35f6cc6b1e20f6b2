import { bool, float, int31, obj, pair, string, strings, uint16, uint8 } from './schema-kit.js';

// Spans and speeds keep the ranges the P2P layer can run with (P2p.check_limits refuses the same
// non-positive timeouts at start-up; a negative speed or delay makes no sense to either node).
const seconds = { type: 'number', minimum: 0 };
const positiveSeconds = { type: 'number', exclusiveMinimum: 0 };
const nullable = (s: object) => ({ anyOf: [{ type: 'null' }, s] });
const queueSize = nullable({ type: 'integer', minimum: 0, maximum: 2 ** 30 - 1 });
const speed = { type: 'integer', minimum: 1, maximum: int31.maximum };

/** `P2p_limits.encoding`. */
const limits = obj({
  'connection-timeout': seconds,
  'authentication-timeout': positiveSeconds,
  'min-connections': uint16,
  'expected-connections': uint16,
  'max-connections': uint16,
  backlog: uint8,
  'max-incoming-connections': uint8,
  'max-download-speed': speed,
  'max-upload-speed': speed,
  'swap-linger': nullable(positiveSeconds),
  'binary-chunks-size': uint8,
  'read-buffer-size': { type: 'integer', minimum: 0, maximum: int31.maximum },
  'read-queue-size': queueSize,
  'write-queue-size': queueSize,
  'incoming-app-message-queue-size': queueSize,
  'incoming-message-queue-size': queueSize,
  'outgoing-message-queue-size': queueSize,
  max_known_points: pair(uint16, uint16),
  max_known_peer_ids: pair(uint16, uint16),
  peer_greylist_size: uint16,
  ip_greylist_size_in_kilobytes: uint16,
  ip_greylist_cleanup_delay: seconds,
  'greylist-timeout': seconds,
  'maintenance-idle-time': nullable(positiveSeconds),
});

/** `Point_reconnection_config.encoding`. */
const greylisting = obj({
  factor: { type: 'number', exclusiveMinimum: 0 },
  'initial-delay': seconds,
  'disconnection-delay': seconds,
  'increase-cap': seconds,
});

/**
 * `Config_file.p2p`. `listen-addr`, `bootstrap-peers` and `advertised-net-port` are `opt` fields of
 * non-nullable types, so `null` is refused; `discovery-addr` is `dft (option string)`, so `null` means
 * no discovery. The proof-of-work range is Config_validation's, checked after the command line.
 */
export const p2pSchema = obj({
  'expected-proof-of-work': float,
  'bootstrap-peers': strings,
  'listen-addr': string,
  'advertised-net-port': uint16,
  'discovery-addr': nullable(string),
  'private-mode': bool,
  limits,
  disable_mempool: bool,
  enable_testchain: bool,
  greylisting_config: greylisting,
  disable_peer_discovery: bool,
});
