/**
 * One element of an Octez error trace as `Error_monad.json_of_error` prints it: `kind` (the error
 * category), `id`, then the error's own fields.
 */
export interface ErrorJson {
  readonly kind: 'permanent' | 'temporary' | 'branch' | 'outdated';
  readonly id: string;
  readonly [field: string]: unknown;
}

export type RpcErrorCode =
  /** A path argument, query parameter or body field did not parse (400). */
  | 'INVALID_ARGUMENT'
  /** The HTTP request itself was unacceptable: media type, size, framing (4xx from the server). */
  | 'INVALID_REQUEST'
  /** The handler found nothing (404, empty body as Octez's `opt_register` answers). */
  | 'NOT_FOUND'
  /** The P2P layer refused or failed (500 with the Octez error id, see p2p-errors.ts). */
  | 'P2P_ERROR'
  /** Every stream slot is taken (503); see `MAX_RPC_STREAMS`. */
  | 'TOO_MANY_STREAMS'
  /** Anything else; the details stay in the server's log. */
  | 'INTERNAL';

/** Ids of errors that have no Octez counterpart (Octez answers those in text/plain). */
export const INVALID_ARGUMENT_ID = 'tzp2p.rpc.invalid_argument';
export const INVALID_REQUEST_ID = 'tzp2p.rpc.invalid_request';
export const TOO_MANY_STREAMS_ID = 'tzp2p.rpc.too_many_streams';

/** Longest slice of a rejected input echoed back, so a huge argument is not reflected whole. */
const MAX_ECHO = 200;

function echo(value: string): string {
  return value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value;
}

/** A failed RPC: the HTTP status and the error trace sent as the body (no body when `trace` is undefined). */
export class RpcError extends Error {
  override readonly name = 'RpcError';

  constructor(
    readonly code: RpcErrorCode,
    readonly status: number,
    readonly trace: readonly ErrorJson[] | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** `parameter` (a path argument, query parameter or body field) could not be parsed. */
  static invalidArgument(parameter: string, value: string, reason: string): RpcError {
    const msg = `cannot parse ${parameter} ${JSON.stringify(echo(value))}: ${reason}`;
    return new RpcError('INVALID_ARGUMENT', 400, [{ kind: 'permanent', id: INVALID_ARGUMENT_ID, parameter, value: echo(value), msg }], msg);
  }

  static invalidRequest(status: number, message: string): RpcError {
    const msg = echo(message);
    return new RpcError('INVALID_REQUEST', status, [{ kind: 'permanent', id: INVALID_REQUEST_ID, msg }], msg);
  }

  static notFound(what: string): RpcError {
    return new RpcError('NOT_FOUND', 404, undefined, `${what} not found`);
  }

  static tooManyStreams(max: number): RpcError {
    const msg = `${max} streams are already open; close one or raise maxStreams`;
    return new RpcError('TOO_MANY_STREAMS', 503, [{ kind: 'temporary', id: TOO_MANY_STREAMS_ID, max, msg }], msg);
  }

  /** Octez wraps unexpected exceptions as `failure` (`Error_monad.Exn`); the message stays generic here. */
  static internal(cause: unknown): RpcError {
    return new RpcError('INTERNAL', 500, [{ kind: 'temporary', id: 'failure', msg: 'internal error' }], 'internal error', { cause });
  }
}

/** The server could not start (address in use, no such interface …). */
export class RpcServerError extends Error {
  override readonly name = 'RpcServerError';
  readonly code = 'RPC_LISTEN_FAILED';
}
