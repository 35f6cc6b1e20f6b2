import { CodedError, withoutStack } from '@tezos-p2p/encoding';
import type { NackMotive, NetworkVersion, Point } from '@tezos-p2p/wire';
import type { PeerId } from '@tezos-p2p/wire';

export type ConnectionErrorCode =
  /** The peer closed the socket (or it ended) while we expected bytes. */
  | 'CONNECTION_CLOSED'
  /** The socket failed (reset, unreachable …). */
  | 'SOCKET_ERROR'
  /** The handshake did not complete within its timeout. */
  | 'TIMEOUT'
  /** Cancelled by the caller's AbortSignal or by closing the connection. */
  | 'CANCELED'
  /** Bytes from the peer did not decode (connection message, metadata, ack or a P2P message). */
  | 'DECODING_ERROR'
  /** The peer's proof-of-work stamp is below our target. */
  | 'NOT_ENOUGH_PROOF_OF_WORK'
  /** Key agreement with the peer's public key failed (low-order point). */
  | 'INVALID_AUTH'
  /** An encrypted chunk failed its MAC check. */
  | 'DECIPHER_ERROR'
  /** An encrypted chunk shorter than its 16-byte tag. */
  | 'INVALID_INCOMING_CIPHERTEXT_SIZE'
  /** A message larger than the configured cap (either direction). */
  | 'MESSAGE_TOO_LARGE'
  /** Our own message could not be encoded. */
  | 'ENCODING_ERROR'
  /** The peer is ourselves (same peer id). */
  | 'MYSELF'
  /** The peer answered our Ack with a Nack. */
  | 'REJECTED_BY_NACK'
  /** We refused the peer with a Nack (a motive other than a version mismatch). */
  | 'REJECTED'
  /** We refused the peer with a Nack because no common chain/version exists. */
  | 'REJECTED_NO_COMMON_PROTOCOL'
  /** The connection is closed; nothing more can be sent or received. */
  | 'CONNECTION_CLOSED_LOCALLY'
  /** Two consumers of one connection's messages: `onMessage` and `recv`, or two handlers. */
  | 'RECEIVER_CONFLICT'
  /** The `onMessage` handler threw; the connection closed (the thrown value is the `cause`). */
  | 'MESSAGE_HANDLER_FAILED';

/**
 * Every failure of a handshake or an authenticated connection. Fields say what the caller needs:
 * the remote peer id once known, the Nack motive and the alternative points of a refusal.
 */
export class ConnectionError extends CodedError<ConnectionErrorCode> {
  override readonly name = 'ConnectionError';
  readonly code: ConnectionErrorCode;
  readonly peerId: PeerId | undefined;
  readonly motive: NackMotive | undefined;
  /** Points offered by a Nack (`undefined` for a Nack_v_0). */
  readonly alternativePoints: readonly Point[] | undefined;
  /** For MYSELF: our own address as the peer saw it, with the port we announced (if any). */
  readonly idPoint: { readonly ip: string; readonly port: number | undefined } | undefined;
  /** For REJECTED_NO_COMMON_PROTOCOL: the version the peer announced (Octez's `announced_version`). */
  readonly announcedVersion: NetworkVersion | undefined;

  constructor(
    code: ConnectionErrorCode,
    message: string,
    extra: {
      peerId?: PeerId | undefined;
      motive?: NackMotive;
      alternativePoints?: readonly Point[];
      idPoint?: { ip: string; port: number | undefined };
      announcedVersion?: NetworkVersion;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: extra.cause });
    this.code = code;
    this.peerId = extra.peerId;
    this.motive = extra.motive;
    this.alternativePoints = extra.alternativePoints;
    this.idPoint = extra.idPoint;
    this.announcedVersion = extra.announcedVersion;
  }

  /** The same error without a captured stack (`withoutStack`): a peer closing, a Nack, a cancelled or timed-out handshake. */
  static expected(
    code: ConnectionErrorCode,
    message: string,
    extra?: ConstructorParameters<typeof ConnectionError>[2],
  ): ConnectionError {
    return withoutStack(() => new ConnectionError(code, message, extra));
  }

  /**
   * Whether Octez greylists the peer's IP address when an authentication fails this way
   * (`P2p_connect_handler.raw_authenticate` on_error list).
   */
  get greylistsAddress(): boolean {
    return (
      this.code === 'NOT_ENOUGH_PROOF_OF_WORK' ||
      this.code === 'INVALID_AUTH' ||
      this.code === 'DECIPHER_ERROR' ||
      this.code === 'DECODING_ERROR' ||
      this.code === 'MESSAGE_TOO_LARGE' ||
      this.code === 'ENCODING_ERROR'
    );
  }
}

export function isConnectionError(e: unknown, code?: ConnectionErrorCode): e is ConnectionError {
  return e instanceof ConnectionError && (code === undefined || e.code === code);
}
