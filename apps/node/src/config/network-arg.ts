import { existsSync, readFileSync } from 'node:fs';
import { JsonShapeError, jsonValidator } from '@tezos-p2p/wire';
import { ConfigError } from './errors.js';
import { type NetworkJson, checkNetworkJson, networkFromJson, networkJsonSchema } from './network-json.js';
import { NETWORK_NAMES, type NetworkDefinition, type NetworkName, isNetworkName } from './networks.js';
import { shapeError } from './shape-error.js';

/** What `--network` names (`Shared_arg.network_parser`). */
export type NetworkArg =
  | { readonly kind: 'builtin'; readonly name: NetworkName }
  | { readonly kind: 'url'; readonly url: URL }
  | { readonly kind: 'file'; readonly path: string };

const KEY = '--network';
/** How long a network description may take to download. */
export const NETWORK_FETCH_TIMEOUT_MS = 10_000;

/**
 * In Octez's order: a built-in alias in any case, then an http(s) URL, then an existing file (a file
 * named like an alias is reached as `./mainnet`).
 */
export function parseNetworkArg(text: string): NetworkArg {
  const lower = text.toLowerCase();
  if (isNetworkName(lower)) return { kind: 'builtin', name: lower };
  if (/^https?:/.test(text)) {
    try {
      return { kind: 'url', url: new URL(text) };
    } catch {
      // not a URL after all: maybe a file
    }
  }
  if (existsSync(text)) return { kind: 'file', path: text };
  throw new ConfigError(KEY, `one of ${NETWORK_NAMES.join(', ')}, a URL or an existing file`, text);
}

const validator = jsonValidator<NetworkJson>(networkJsonSchema);

/** `decode_net_config`: the object form only (an alias string is not a network description). */
function decodeNetwork(json: unknown, source: string): NetworkDefinition {
  let n: NetworkJson;
  try {
    n = validator.check(json, source);
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    const inner = shapeError(e.problems, json, source);
    throw new ConfigError(KEY, `a network description (${inner.key}: ${inner.expected})`, source);
  }
  try {
    checkNetworkJson(n, 'network');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(KEY, `a network description (${e.message})`, source);
  }
  return networkFromJson(n);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(KEY, `a network description in JSON (${(e as Error).message})`, source);
  }
}

export function loadNetworkFile(path: string): NetworkDefinition {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      KEY,
      'a readable network file',
      `${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  return decodeNetwork(parseJson(text, path), path);
}

/**
 * `load_net_config (Url _)`: one GET, and only a 200 answer is a network (Octez's HTTP client does not
 * follow redirects either).
 */
export async function fetchNetwork(url: URL, timeoutMs = NETWORK_FETCH_TIMEOUT_MS): Promise<NetworkDefinition> {
  const source = url.href;
  let response: Response;
  let body: string;
  try {
    response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    body = await response.text();
  } catch (e) {
    // fetch reports network failures as `TypeError('fetch failed')` with the reason in `cause`.
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why =
      err.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (err.cause?.code ?? err.cause?.message ?? err.message);
    throw new ConfigError(KEY, 'a reachable network URL', `${source} (${why})`);
  }
  if (response.status !== 200)
    throw new ConfigError(KEY, 'a URL answering 200 with a network description', `${source} (HTTP ${response.status})`);
  return decodeNetwork(parseJson(body, source), source);
}
