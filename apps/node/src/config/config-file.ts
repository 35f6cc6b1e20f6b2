import { readFileSync } from 'node:fs';
import { JsonShapeError, jsonValidator } from '@tezos-p2p/wire';
import type { ConfigFile } from './config-json.js';
import { ConfigError } from './errors.js';
import { checkNetworkJson, networkJsonSchema } from './network-json.js';
import { NETWORK_NAMES, isNetworkName } from './networks.js';
import { bool, obj, string, stringOr, strings } from './schema-kit.js';
import { internalEventsSchema, logSchema, profilingSchema } from './schema-misc.js';
import { p2pSchema } from './schema-p2p.js';
import { rpcSchema } from './schema-rpc.js';
import { shellSchema } from './schema-shell.js';
import { shapeError } from './shape-error.js';

export type { ConfigFile } from './config-json.js';

/** `Config_file.encoding`: the ten top-level keys of v25.1, nothing else. */
const schema = obj({
  'data-dir': string,
  'disable-config-validation': bool,
  rpc: rpcSchema,
  p2p: p2pSchema,
  log: logSchema,
  'internal-events': internalEventsSchema,
  shell: shellSchema,
  // `sugared_blockchain_network_encoding`: a built-in alias (checked below) or a description.
  network: stringOr(string, networkJsonSchema),
  metrics_addr: strings,
  profiling: profilingSchema,
});

const validator = jsonValidator<ConfigFile>(schema);

/** Read and check config.json; every problem is reported with the key it concerns. */
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

/** Check a parsed config.json as Octez's `Config_file.read` does; `where` names it in errors. */
export function parseConfig(json: unknown, where = 'config.json'): ConfigFile {
  let cfg: ConfigFile;
  try {
    cfg = validator.check(json, where);
  } catch (e) {
    if (e instanceof JsonShapeError) throw shapeError(e.problems, json, where);
    throw e;
  }
  // The alias cases are `constant`s: exact spelling, unlike `--network`.
  if (typeof cfg.network === 'string' && !isNetworkName(cfg.network))
    throw new ConfigError('network', `one of ${NETWORK_NAMES.join(', ')} (spelt so) or a network object`, cfg.network);
  if (typeof cfg.network === 'object') checkNetworkJson(cfg.network, 'network');
  // The rpc encoding's conversion fails on both spellings at once (`Stdlib.failwith` in config_file.ml).
  if (cfg.rpc?.['listen-addr'] !== undefined && cfg.rpc['listen-addrs'] !== undefined) {
    throw new ConfigError(
      'rpc.listen-addr',
      'absent when rpc.listen-addrs is given (use only "listen-addrs", not the legacy "listen-addr")',
      cfg.rpc['listen-addr'],
    );
  }
  return cfg;
}
