import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFile } from './config-json.js';
import { ConfigError } from './errors.js';
import { loadNetworkFile, parseNetworkArg } from './network-arg.js';
import { networkFromJson } from './network-json.js';
import { NETWORKS, type NetworkDefinition, type NetworkName } from './networks.js';

/** config.json's network: an alias (checked by the schema), a description, or mainnet when absent. */
export function configNetwork(n: ConfigFile['network']): NetworkDefinition {
  if (n === undefined) return NETWORKS.mainnet;
  return typeof n === 'string' ? NETWORKS[n as NetworkName] : networkFromJson(n);
}

/**
 * The network to run, as `Shared_arg.patch_config` picks it: `--network` replaces config.json's when
 * both have the same chain name, or when no node has used the data directory yet (no `context`
 * or `store` directory); otherwise Octez refuses the mismatch. A URL is fetched by the caller
 * (`fetched`), as that is asynchronous.
 */
export function chooseNetwork(
  arg: string | undefined,
  fromConfig: NetworkDefinition,
  dataDir: string,
  fetched?: NetworkDefinition,
): NetworkDefinition {
  if (arg === undefined) return fromConfig;
  const parsed = parseNetworkArg(arg);
  let chosen: NetworkDefinition;
  if (parsed.kind === 'builtin') chosen = NETWORKS[parsed.name];
  else if (parsed.kind === 'file') chosen = loadNetworkFile(parsed.path);
  else if (fetched !== undefined) chosen = fetched;
  else
    throw new ConfigError('--network', 'a network name or file here (a URL is fetched by resolveSettingsAsync)', arg);
  const used = existsSync(join(dataDir, 'context')) || existsSync(join(dataDir, 'store'));
  if (chosen.chainName !== fromConfig.chainName && used) {
    throw new ConfigError(
      '--network',
      `the network of the configuration (chain ${fromConfig.chainName}), as ${dataDir} holds a node's store; \`octez-node config init --network\` changes it`,
      chosen.chainName,
    );
  }
  return chosen;
}
