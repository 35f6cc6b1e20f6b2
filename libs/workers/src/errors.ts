import { CodedError, withoutStack } from '@tezos-p2p/encoding';
import { type ConnectionErrorCode, ConnectionError } from '@tezos-p2p/connection';
import type { NackMotive, NetworkVersion, PeerId, Point } from '@tezos-p2p/wire';

/**
 * Failures of `connect` and of accepting connections. Codes mirror Octez's error ids
 * (`node.p2p_pool.point_banned` → POINT_BANNED …) and include the handshake's own codes.
 */
export type P2pErrorCode =
  | ConnectionErrorCode
  /** `node.p2p_pool.point_banned`: the address is blacklisted or greylisted. */
  | 'POINT_BANNED'
  /** `node.p2p_pool.peer_banned`. */
  | 'PEER_BANNED'
  /** `node.p2p_pool.too_many_connections`. */
  | 'TOO_MANY_CONNECTIONS'
  /** `node.p2p_pool.private_mode`: only trusted points in private mode. */
  | 'PRIVATE_MODE'
  /** `node.p2p_pool.pending_connection`. */
  | 'PENDING_CONNECTION'
  /** `node.p2p_pool.connected`. */
  | 'CONNECTED'
  /** `node.p2p_pool.connection_failed`: TCP connect refused or unreachable. */
  | 'CONNECTION_FAILED'
  /** `node.p2p_connect_handler.identity_check_failure`: not the expected peer. */
  | 'IDENTITY_CHECK_FAILURE'
  /** The P2P layer is shut down. */
  | 'P2P_SHUT_DOWN';

export class P2pError extends CodedError<P2pErrorCode> {
  override readonly name = 'P2pError';
  readonly code: P2pErrorCode;
  readonly point: Point | undefined;
  readonly peerId: PeerId | undefined;
  readonly motive: NackMotive | undefined;
  readonly alternativePoints: readonly Point[] | undefined;
  /** For REJECTED_NO_COMMON_PROTOCOL: the version the peer announced (Octez's `announced_version`). */
  readonly announcedVersion: NetworkVersion | undefined;

  constructor(
    code: P2pErrorCode,
    message: string,
    extra: {
      point?: Point;
      peerId?: PeerId | undefined;
      motive?: NackMotive | undefined;
      alternativePoints?: readonly Point[] | undefined;
      announcedVersion?: NetworkVersion | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: extra.cause });
    this.code = code;
    this.point = extra.point;
    this.peerId = extra.peerId;
    this.motive = extra.motive;
    this.alternativePoints = extra.alternativePoints;
    this.announcedVersion = extra.announcedVersion;
  }

  /** The same error without a captured stack (`withoutStack`), for refusals, Nacks, cancellations and closed connections. */
  static expected(code: P2pErrorCode, message: string, extra?: ConstructorParameters<typeof P2pError>[2]): P2pError {
    return withoutStack(() => new P2pError(code, message, extra));
  }

  /** As a `P2pError` (itself if one already); the original error, kept as the cause, holds the stack. */
  static from(e: unknown, point?: Point): P2pError {
    if (e instanceof P2pError) return e;
    if (e instanceof ConnectionError) {
      return P2pError.expected(e.code, e.message, {
        ...(point ? { point } : {}),
        peerId: e.peerId,
        motive: e.motive,
        alternativePoints: e.alternativePoints,
        announcedVersion: e.announcedVersion,
        cause: e,
      });
    }
    return P2pError.expected('SOCKET_ERROR', e instanceof Error ? e.message : String(e), {
      ...(point ? { point } : {}),
      cause: e,
    });
  }
}
