import { ConfigError } from './errors.js';
import { parseHostPort } from './host-port.js';
import type { ListenAddr } from './listen-addrs.js';
import { DEFAULT_METRICS_PORT } from './networks.js';

export interface MetricsAddrs {
  /** Where `/metrics` is served, each with the option or key it came from. */
  readonly addrs: readonly ListenAddr[];
  /** Entries Octez could not serve either: it logs them at start-up and runs on, so do we. */
  readonly unusable: readonly string[];
  /** Where the list came from: `--metrics-addr` or `metrics_addr`. */
  readonly key: string;
}

/**
 * `--metrics-addr` (repeatable) or else config.json `metrics_addr` (`Config_file.update`'s
 * `unopt_list`: any flag replaces the whole list), read as `resolve_metrics_addrs` does:
 * `addr[:port][#peer_id]`, the host defaulting to `localhost` and the port to 9932, a peer id
 * ignored. A malformed entry does not stop Octez (its metrics server reports the error and the node
 * runs), so it is set aside here rather than refused.
 */
export function metricsAddrs(cli: string | readonly string[] | undefined, config: readonly string[]): MetricsAddrs {
  const flags = cli === undefined ? [] : typeof cli === 'string' ? [cli] : cli;
  const key = flags.length > 0 ? '--metrics-addr' : 'metrics_addr';
  const addrs: ListenAddr[] = [];
  const unusable: string[] = [];
  for (const text of flags.length > 0 ? flags : config) {
    try {
      const { host, port } = parseHostPort(text.split('#')[0]!, DEFAULT_METRICS_PORT, key, 'localhost');
      addrs.push({ host, port, key });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      unusable.push(text);
    }
  }
  return { addrs, unusable, key };
}
