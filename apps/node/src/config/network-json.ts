import { fromB58Check, type B58Kind } from '@tezos-p2p/shell';
import { ConfigError } from './errors.js';
import type { NetworkDefinition } from './networks.js';
import { anyJson, bool, int32, list, obj, string, strings } from './schema-kit.js';

/**
 * A network description (`blockchain_network_encoding`, config_file.ml): config.json's `network`
 * object, and what `--network FILE|URL` points to. Only the chain name and the bootstrap peers
 * concern the P2P layer; the rest is checked as Octez checks it and otherwise unused.
 */
export interface NetworkJson {
  genesis: { timestamp: string; block: string; protocol: string };
  genesis_parameters?: { context_key?: string; values: unknown };
  chain_name: string;
  old_chain_name?: string;
  incompatible_chain_name?: string;
  sandboxed_chain_name: string;
  user_activated_upgrades?: { level: number; replacement_protocol: string }[];
  user_activated_protocol_overrides?: { replaced_protocol: string; replacement_protocol: string }[];
  default_bootstrap_peers?: string[];
  dal_config?: { activated?: boolean; bootstrap_peers: string[] };
}

const hash = string;

export const networkJsonSchema = obj(
  {
    genesis: obj({ timestamp: string, block: hash, protocol: hash }, ['timestamp', 'block', 'protocol']),
    genesis_parameters: obj({ context_key: string, values: anyJson }, ['values']),
    chain_name: string,
    old_chain_name: string,
    incompatible_chain_name: string,
    sandboxed_chain_name: string,
    user_activated_upgrades: list(obj({ level: int32, replacement_protocol: hash }, ['level', 'replacement_protocol'])),
    user_activated_protocol_overrides: list(
      obj({ replaced_protocol: hash, replacement_protocol: hash }, ['replaced_protocol', 'replacement_protocol']),
    ),
    default_bootstrap_peers: strings,
    dal_config: obj({ activated: bool, bootstrap_peers: strings }, ['bootstrap_peers']),
  },
  ['genesis', 'chain_name', 'sandboxed_chain_name'],
);

// `Time.Protocol.encoding` in JSON: RFC 3339 (Ptime's lenient reading) or seconds since the epoch.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const INT64 = /^-?\d{1,19}$/;

/** A real date and time (no 30 February), as Ptime checks it; 60 seconds allows a leap second. */
function isRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s, oh = 0, om = 0] = m
    .slice(1)
    .map((x) => (x === undefined ? undefined : Number(x))) as number[];
  const daysInMonth = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  return (
    mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= daysInMonth && h! <= 23 && mi! <= 59 && s! <= 60 && oh <= 23 && om <= 59
  );
}

function checkTimestamp(text: string, key: string): void {
  const ok = INT64.test(text) ? BigInt(text) >= -(2n ** 63n) && BigInt(text) < 2n ** 63n : isRfc3339(text);
  if (!ok) throw new ConfigError(key, 'an RFC 3339 date or a number of seconds', text);
}

function checkHash(kind: B58Kind, text: string, key: string): void {
  try {
    fromB58Check(kind, text);
  } catch (e) {
    throw new ConfigError(key, `a ${kind} hash in Base58Check (${(e as Error).message})`, text);
  }
}

/** What the schema cannot say and Data_encoding checks: the hashes and the genesis timestamp. */
export function checkNetworkJson(n: NetworkJson, prefix: string): void {
  checkTimestamp(n.genesis.timestamp, `${prefix}.genesis.timestamp`);
  checkHash('block', n.genesis.block, `${prefix}.genesis.block`);
  checkHash('protocol', n.genesis.protocol, `${prefix}.genesis.protocol`);
  (n.user_activated_upgrades ?? []).forEach((u, i) =>
    checkHash('protocol', u.replacement_protocol, `${prefix}.user_activated_upgrades.${i}.replacement_protocol`),
  );
  (n.user_activated_protocol_overrides ?? []).forEach((o, i) => {
    checkHash('protocol', o.replaced_protocol, `${prefix}.user_activated_protocol_overrides.${i}.replaced_protocol`);
    checkHash(
      'protocol',
      o.replacement_protocol,
      `${prefix}.user_activated_protocol_overrides.${i}.replacement_protocol`,
    );
  });
}

export function networkFromJson(n: NetworkJson): NetworkDefinition {
  return { chainName: n.chain_name, bootstrapPeers: n.default_bootstrap_peers ?? [] };
}
