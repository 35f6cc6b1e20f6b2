import { CodedError } from '@tezos-p2p/encoding';
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
  /** A path argument, query parameter or body did not parse (400, resto's text/plain explanation). */
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

/**
 * What a refusal sends. Resto explains the 400s it gives before calling a service in text/plain
 * (`resto/src/server.ml Handlers.handle_error`); a path argument's explanation names the path up to
 * the argument, known only with the request (http-errors.ts renders it).
 */
export type RpcErrorBody =
  /** An Octez error trace, JSON. */
  | { readonly kind: 'trace'; readonly trace: readonly ErrorJson[] }
  /** `` `Cannot_parse_path ``: the argument's type name (`Arg.descr.name`), its text and why it failed. */
  | { readonly kind: 'path_argument'; readonly type: string; readonly value: string; readonly reason: string }
  /** `` `Cannot_parse_query `` / `` `Cannot_parse_body ``: resto's whole explanation. */
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'empty' };

/** Ids of errors that have no Octez counterpart. */
export const INVALID_REQUEST_ID = 'tzp2p.rpc.invalid_request';
export const TOO_MANY_STREAMS_ID = 'tzp2p.rpc.too_many_streams';

/** Longest slice of a rejected input echoed back, so a huge argument is not reflected whole. */
const MAX_ECHO = 200;

export function echo(value: string): string {
  return value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value;
}

/** A failed RPC: the HTTP status and what is sent with it. */
export class RpcError extends CodedError<RpcErrorCode> {
  override readonly name = 'RpcError';

  constructor(
    readonly code: RpcErrorCode,
    readonly status: number,
    readonly body: RpcErrorBody,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** A path argument (`point`, `peer_id`) did not parse: `reason` is what Octez's `destruct` says. */
  static badPathArgument(type: string, value: string, reason: string): RpcError {
    return new RpcError(
      'INVALID_ARGUMENT',
      400,
      { kind: 'path_argument', type, value, reason },
      `cannot parse ${type} ${JSON.stringify(echo(value))}: ${reason}`,
    );
  }

  /** The query string did not parse: `message` is `Resto.Query.parse`'s. */
  static badQuery(message: string): RpcError {
    return new RpcError(
      'INVALID_ARGUMENT',
      400,
      { kind: 'text', text: `Failed to parse the query string: ${message}` },
      message,
    );
  }

  /** The body did not decode as the service's input. */
  static badBody(message: string): RpcError {
    return new RpcError(
      'INVALID_ARGUMENT',
      400,
      { kind: 'text', text: `Failed to parse the request body: ${message}` },
      message,
    );
  }

  /** A refusal from the HTTP layer that resto has no answer for (size limits, a malformed URL). */
  static invalidRequest(status: number, message: string): RpcError {
    const msg = echo(message);
    return new RpcError(
      'INVALID_REQUEST',
      status,
      { kind: 'trace', trace: [{ kind: 'permanent', id: INVALID_REQUEST_ID, msg }] },
      msg,
    );
  }

  /** `` `Unsupported_media_type ``: 415, empty body. */
  static unsupportedMediaType(contentType: string): RpcError {
    return new RpcError(
      'INVALID_REQUEST',
      415,
      { kind: 'empty' },
      `unsupported media type ${JSON.stringify(echo(contentType))}, expected application/json`,
    );
  }

  static notFound(what: string): RpcError {
    return new RpcError('NOT_FOUND', 404, { kind: 'empty' }, `${what} not found`);
  }

  static tooManyStreams(max: number): RpcError {
    const msg = `${max} streams are already open; close one or raise maxStreams`;
    return new RpcError(
      'TOO_MANY_STREAMS',
      503,
      { kind: 'trace', trace: [{ kind: 'temporary', id: TOO_MANY_STREAMS_ID, max, msg }] },
      msg,
    );
  }

  /** Octez wraps unexpected exceptions as `failure` (`Error_monad.Exn`); the message stays generic here. */
  static internal(cause: unknown): RpcError {
    return new RpcError(
      'INTERNAL',
      500,
      { kind: 'trace', trace: [{ kind: 'temporary', id: 'failure', msg: 'internal error' }] },
      'internal error',
      { cause },
    );
  }
}

/** The server could not start (address in use, no such interface, a name without address …). */
export class RpcServerError extends CodedError<'RPC_LISTEN_FAILED'> {
  override readonly name = 'RpcServerError';
  readonly code = 'RPC_LISTEN_FAILED';
}
