import { readFileSync } from 'node:fs';
import { jsonValidator, JsonShapeError } from '@tezos-p2p/wire';
import type { RpcAclJson } from '../rpc/acl/json.js';
import { ConfigError } from './errors.js';

/**
 * The parts of Octez's config.json this node reads (`config_file.ml`): `data-dir`, `network`,
 * `rpc.listen-addrs` and the `p2p` section with its exact key spellings (dashes and underscores mixed
 * as Octez writes them). Unknown keys are refused, as Data_encoding does.
 */
export interface ConfigFile {
  'data-dir'?: string;
  network?: string | { chain_name: string; 'default_bootstrap_peers'?: string[]; [k: string]: unknown };
  rpc?: { 'listen-addrs'?: string[]; acl?: RpcAclJson[]; [k: string]: unknown };
  p2p?: P2pConfigJson;
  log?: { level?: string };
}

export interface P2pConfigJson {
  'expected-proof-of-work'?: number;
  'bootstrap-peers'?: string[];
  'listen-addr'?: string | null;
  'advertised-net-port'?: number;
  'discovery-addr'?: string | null;
  'private-mode'?: boolean;
  limits?: Record<string, unknown>;
  disable_mempool?: boolean;
  enable_testchain?: boolean;
  greylisting_config?: { factor?: number; 'initial-delay'?: number; 'disconnection-delay'?: number; 'increase-cap'?: number };
  disable_peer_discovery?: boolean;
}

const seconds = { type: 'number', minimum: 0 };
const uint16 = { type: 'integer', minimum: 0, maximum: 65535 };
const nullableInt = { type: ['integer', 'null'], minimum: 0 };
const bounds = { type: 'array', items: [uint16, uint16], minItems: 2, maxItems: 2, additionalItems: false };

/** `P2p_limits.encoding` keys, spelled exactly as Octez (config.md §2). */
const limitsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    'connection-timeout': seconds,
    'authentication-timeout': { type: 'number', exclusiveMinimum: 0 },
    'min-connections': uint16,
    'expected-connections': uint16,
    'max-connections': uint16,
    backlog: { type: 'integer', minimum: 0, maximum: 255 },
    'max-incoming-connections': { type: 'integer', minimum: 0, maximum: 255 },
    'max-download-speed': { type: 'integer', minimum: 1 },
    'max-upload-speed': { type: 'integer', minimum: 1 },
    'swap-linger': { type: ['number', 'null'], exclusiveMinimum: 0 },
    'binary-chunks-size': { type: 'integer', minimum: 0, maximum: 255 },
    'read-buffer-size': { type: 'integer', minimum: 0 },
    'read-queue-size': nullableInt,
    'write-queue-size': nullableInt,
    'incoming-app-message-queue-size': nullableInt,
    'incoming-message-queue-size': nullableInt,
    'outgoing-message-queue-size': nullableInt,
    max_known_points: bounds,
    max_known_peer_ids: bounds,
    peer_greylist_size: uint16,
    ip_greylist_size_in_kilobytes: uint16,
    ip_greylist_cleanup_delay: seconds,
    'greylist-timeout': seconds,
    'maintenance-idle-time': { type: ['number', 'null'], exclusiveMinimum: 0 },
  },
};

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    'data-dir': { type: 'string' },
    network: {
      anyOf: [
        { type: 'string' },
        { type: 'object', required: ['chain_name'], properties: { chain_name: { type: 'string' }, default_bootstrap_peers: { type: 'array', items: { type: 'string' } } } },
      ],
    },
    rpc: { type: 'object', properties: { 'listen-addrs': { type: 'array', items: { type: 'string' } } } },
    log: { type: 'object', properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] } }, additionalProperties: false },
    p2p: {
      type: 'object',
      additionalProperties: false,
      properties: {
        'expected-proof-of-work': { type: 'number', minimum: 0, maximum: 256 },
        'bootstrap-peers': { type: 'array', items: { type: 'string' } },
        'listen-addr': { type: ['string', 'null'] },
        'advertised-net-port': uint16,
        'discovery-addr': { type: ['string', 'null'] },
        'private-mode': { type: 'boolean' },
        limits: limitsSchema,
        disable_mempool: { type: 'boolean' },
        enable_testchain: { type: 'boolean' },
        greylisting_config: {
          type: 'object',
          additionalProperties: false,
          properties: { factor: { type: 'number', exclusiveMinimum: 0 }, 'initial-delay': seconds, 'disconnection-delay': seconds, 'increase-cap': seconds },
        },
        disable_peer_discovery: { type: 'boolean' },
      },
    },
  },
};

const validator = jsonValidator<ConfigFile>(schema);

/** Read and validate config.json; every problem is reported with the key it concerns. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, 'a readable config file', (e as NodeJS.ErrnoException).code);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(path, `valid JSON (${(e as Error).message})`);
  }
  return parseConfig(json, path);
}

export function parseConfig(json: unknown, what = 'config.json'): ConfigFile {
  try {
    return validator.check(json, what);
  } catch (e) {
    if (e instanceof JsonShapeError) throw new ConfigError(what, e.problems.join('; '));
    throw e;
  }
}
