import type { ConfigFile } from './config-json.js';

/**
 * config.json keys accepted (Octez accepts them) that change nothing here. `x.*` stands for every key
 * under `x`. Why each one:
 * - rpc: CORS, TLS (`crt` / `key`: the RPC is plain HTTP), media types, the connection cap and cache
 *   headers concern Octez's full RPC server, not the `/network` directory served here;
 * - `p2p.enable_testchain`: deprecated, without effect in Octez too;
 * - `p2p.limits.binary-chunks-size`: `octez-node run` replaces it by `--binary-chunks-size` (unset:
 *   none) in `Config_file.update`, so the file's value never applies in Octez either;
 * - `read-buffer-size`: sockets deliver what the kernel has; `greylist-timeout`: unused by Octez;
 * - log colours, rules (Octez event sections) and level advertising: logs here are JSON lines that
 *   always carry their level;
 * - internal-events, shell, profiling and the network's genesis, upgrades and DAL settings: the
 *   event sinks, validation and storage of a full node.
 */
const WITHOUT_EFFECT = [
  'rpc.cors-origin',
  'rpc.cors-headers',
  'rpc.crt',
  'rpc.key',
  'rpc.media-type',
  'rpc.enable-http-cache-headers',
  'p2p.enable_testchain',
  'p2p.limits.binary-chunks-size',
  'p2p.limits.read-buffer-size',
  'p2p.limits.greylist-timeout',
  'log.colors',
  'log.rules',
  'log.advertises_level',
  'internal-events.*',
  'shell.*',
  'profiling.*',
  'network.genesis',
  'network.genesis_parameters',
  'network.old_chain_name',
  'network.incompatible_chain_name',
  'network.sandboxed_chain_name',
  'network.user_activated_upgrades',
  'network.user_activated_protocol_overrides',
  'network.dal_config',
] as const;

function at(json: unknown, path: readonly string[]): unknown {
  let v = json;
  for (const p of path)
    v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** The keys of `cfg` that are accepted without effect, as config.json paths, in a stable order. */
export function keysWithoutEffect(cfg: ConfigFile): string[] {
  const found: string[] = [];
  for (const entry of WITHOUT_EFFECT) {
    const section = entry.endsWith('.*');
    const path = (section ? entry.slice(0, -2) : entry).split('.');
    const v = at(cfg, path);
    if (v === undefined) continue;
    const children = section && v !== null && typeof v === 'object' ? Object.keys(v) : [];
    found.push(...(children.length > 0 ? children.map((k) => `${path.join('.')}.${k}`) : [path.join('.')]));
  }
  return found;
}
