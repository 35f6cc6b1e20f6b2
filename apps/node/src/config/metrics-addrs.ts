import { ConfigError } from './errors.js';
import { type HostPort, parseHostPort } from './host-port.js';
import { DEFAULT_METRICS_PORT } from './networks.js';

export interface MetricsAddrs {
  readonly addrs: readonly HostPort[];
  /** Entries Octez could not serve either: it logs them at start-up and runs on, so do we. */
  readonly unusable: readonly string[];
}

/**
 * config.json `metrics_addr` (`resolve_metrics_addrs`): `addr[:port][#peer_id]`, the host defaulting
 * to `localhost` and the port to 9932, a peer id ignored. A malformed entry does not stop Octez (its
 * metrics server reports the error and the node runs), so it is set aside here rather than refused.
 */
export function metricsAddrs(texts: readonly string[]): MetricsAddrs {
  const addrs: HostPort[] = [];
  const unusable: string[] = [];
  for (const text of texts) {
    try {
      addrs.push(parseHostPort(text.split('#')[0]!, DEFAULT_METRICS_PORT, 'metrics_addr', 'localhost'));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      unusable.push(text);
    }
  }
  return { addrs, unusable };
}
