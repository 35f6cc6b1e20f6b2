import type { RpcAclJson } from '../rpc/acl/json.js';
import type { NetworkJson } from './network-json.js';

/**
 * Octez's config.json (`Config_file.encoding`, src/lib_node_config/config_file.ml of v25.1) as
 * Data_encoding accepts it: every key, with Octez's spellings (dashes and underscores mixed as Octez
 * writes them). A key Octez does not know is refused (Data_encoding refuses unknown fields).
 */
export interface ConfigFile {
  'data-dir'?: string;
  'disable-config-validation'?: boolean;
  rpc?: RpcConfigJson;
  p2p?: P2pConfigJson;
  log?: LogConfigJson;
  'internal-events'?: { active_sinks?: string[] } | { activate?: string[] };
  shell?: ShellConfigJson;
  /** A built-in network's alias, or a whole network description. */
  network?: string | NetworkJson;
  metrics_addr?: string[];
  profiling?: { 'days-kept'?: number; verbosity?: string; backends?: string[]; 'output-dir'?: string };
}

/** `Config_file.rpc`. */
export interface RpcConfigJson {
  'listen-addrs'?: string[];
  'external-listen-addrs'?: string[];
  /** Legacy single address; refused together with `listen-addrs`. */
  'listen-addr'?: string;
  'cors-origin'?: string[];
  'cors-headers'?: string[];
  crt?: string;
  key?: string;
  acl?: RpcAclJson[];
  'media-type'?: 'json' | 'binary' | 'any';
  max_active_rpc_connections?: 'unlimited' | number;
  'enable-http-cache-headers'?: boolean;
}

/** `Config_file.p2p`. `listen-addr` absent from a present `p2p` object means: do not listen. */
export interface P2pConfigJson {
  'expected-proof-of-work'?: number;
  'bootstrap-peers'?: string[];
  'listen-addr'?: string;
  'advertised-net-port'?: number;
  'discovery-addr'?: string | null;
  'private-mode'?: boolean;
  limits?: P2pLimitsJson;
  disable_mempool?: boolean;
  enable_testchain?: boolean;
  greylisting_config?: {
    factor?: number;
    'initial-delay'?: number;
    'disconnection-delay'?: number;
    'increase-cap'?: number;
  };
  disable_peer_discovery?: boolean;
}

/** `P2p_limits.encoding`: durations in seconds, speeds in KiB/s, `null` queues unbounded. */
export interface P2pLimitsJson {
  'connection-timeout'?: number;
  'authentication-timeout'?: number;
  'min-connections'?: number;
  'expected-connections'?: number;
  'max-connections'?: number;
  backlog?: number;
  'max-incoming-connections'?: number;
  'max-download-speed'?: number;
  'max-upload-speed'?: number;
  'swap-linger'?: number | null;
  'binary-chunks-size'?: number;
  'read-buffer-size'?: number;
  'read-queue-size'?: number | null;
  'write-queue-size'?: number | null;
  'incoming-app-message-queue-size'?: number | null;
  'incoming-message-queue-size'?: number | null;
  'outgoing-message-queue-size'?: number | null;
  max_known_points?: [number, number];
  max_known_peer_ids?: [number, number];
  peer_greylist_size?: number;
  ip_greylist_size_in_kilobytes?: number;
  ip_greylist_cleanup_delay?: number;
  'greylist-timeout'?: number;
  'maintenance-idle-time'?: number | null;
}

/** `Logs_simple_config.cfg_encoding`. */
export interface LogConfigJson {
  output?: string;
  level?: string;
  colors?: boolean;
  rules?: string;
  advertises_level?: boolean;
}

/** `Shell_limits.limits_encoding`: validation, not the P2P layer; checked, never used. */
export interface ShellConfigJson {
  peer_validator?: Record<string, number>;
  block_validator?: Record<string, unknown>;
  prevalidator?: Record<string, number>;
  chain_validator?: Record<string, number>;
  history_mode?: string | Record<string, { additional_cycles: number }>;
  disable_context_pruning?: boolean;
  storage_maintenance_delay?: string | { custom: number };
}
