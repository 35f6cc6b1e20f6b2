import { lookup } from 'node:dns/promises';
import { ConfigError } from './errors.js';
import type { HostPort } from './host-port.js';

/** A listening address and the option or config key it came from, named when it cannot be resolved. */
export interface ListenAddr extends HostPort {
  readonly key?: string;
}

/**
 * The P2P listening address as `init_node` takes it: the first address `getaddrinfo` gives for the
 * host, in the resolver's order (an IP literal is itself). A name without an address stops the
 * start-up (Octez: "Cannot resolve P2P listening address"); here a `ConfigError` naming the key.
 */
export async function resolveP2pListen(a: ListenAddr): Promise<ListenAddr> {
  let first: string | undefined;
  try {
    [first] = (await lookup(a.host, { all: true, order: 'verbatim' })).map((r) => r.address);
  } catch (e) {
    throw new ConfigError(
      a.key ?? 'p2p.listen-addr',
      'an address or a name that resolves',
      `${a.host} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  if (first === undefined)
    throw new ConfigError(a.key ?? 'p2p.listen-addr', 'an address or a name that resolves', a.host);
  return { ...a, host: first };
}
