import { CodedError } from '@tezos-p2p/encoding';
/**
 * Time and connection limits of the RPC server, so that no client can hold a socket (a file
 * descriptor) without sending a request or reading its answer, nor hold more than its share of them.
 * Octez's resto/cohttp server has no such timeouts (it only sets SO_KEEPALIVE) and caps active
 * connections at `max_active_rpc_connections` (100) by leaving the excess unaccepted; docs/LIMITS.md
 * lists these defaults.
 */
export interface RpcLimits {
  /** From the connection (or the end of the previous request) to the end of the request's headers. @default 10 000 */
  readonly headersTimeoutMs: number;
  /** From the start of a request to the end of its body; a slow body is cut here. Streams are not concerned: their request is complete when they start. @default 30 000 */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection between two requests. @default 5 000 (Node's own default) */
  readonly keepAliveTimeoutMs: number;
  /**
   * A socket with no traffic while a request is received or an answer sent (a client that stops
   * reading). Not while a handler waits (`PUT /network/points/<p>?timeout=…`), never on streams.
   * @default 30 000
   */
  readonly idleTimeoutMs: number;
  /** RPC connections open at once over every listening address; lowered to what the descriptor budget allows. @default 100 (Octez's `max_active_rpc_connections`) */
  readonly maxConnections: number;
  /** RPC connections open at once from one client address (IPv6: one /64). @default 32 */
  readonly maxConnectionsPerAddress: number;
}

export const DEFAULT_RPC_LIMITS: RpcLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  maxConnections: 100,
  maxConnectionsPerAddress: 32,
});

export class RpcLimitsError extends CodedError<'INVALID_RPC_LIMITS'> {
  override readonly name = 'RpcLimitsError';
  readonly code = 'INVALID_RPC_LIMITS';
}

/** The defaults completed with `partial`; throws `RpcLimitsError` for a value Node would refuse or misread. */
export function resolveRpcLimits(partial: Partial<RpcLimits> = {}): RpcLimits {
  const l: RpcLimits = { ...DEFAULT_RPC_LIMITS, ...partial };
  const problems: string[] = [];
  for (const k of Object.keys(DEFAULT_RPC_LIMITS) as (keyof RpcLimits)[]) {
    // Zero would mean "no limit" to Node: every limit here is meant to hold.
    if (!(Number.isInteger(l[k]) && l[k] > 0)) problems.push(`${k} must be a positive integer, got ${l[k]}`);
  }
  // Node refuses a headers timeout longer than the request timeout (ERR_OUT_OF_RANGE).
  if (l.headersTimeoutMs > l.requestTimeoutMs)
    problems.push(`headersTimeoutMs (${l.headersTimeoutMs}) must not exceed requestTimeoutMs (${l.requestTimeoutMs})`);
  if (problems.length > 0) throw new RpcLimitsError(`invalid RPC limits: ${problems.join('; ')}`);
  return l;
}

/**
 * How often Node looks for requests past their headers or request timeout
 * (`connectionsCheckingInterval`). Node's default, 30 s, would let a 30 s timeout run to 60 s: once a
 * second, or four times per shortest timeout when that is shorter. Each check walks the requests
 * in progress only, bounded by the connection cap.
 */
export function timeoutCheckIntervalMs(l: Pick<RpcLimits, 'headersTimeoutMs' | 'requestTimeoutMs'>): number {
  return Math.max(1, Math.min(1_000, Math.floor(Math.min(l.headersTimeoutMs, l.requestTimeoutMs) / 4)));
}
