import { ConnectionError } from '@tezos-p2p/connection';
import { P2pError, type P2pErrorCode } from '@tezos-p2p/p2p';
import {
  type NackMotive,
  type PeerId,
  type Point,
  connectionPointJson,
  nackMotiveCode,
  pointToString,
} from '@tezos-p2p/wire';
import { readErrorJson, writeErrorJson } from './binary-errors.js';
import { networkVersionJson } from './encoders.js';
import { type ErrorJson, RpcError } from './rpc-error.js';

/**
 * Octez answers every error a handler returns (`tzfail`) with 500 and the JSON trace
 * (`resto/src/server.ml handle_rpc_answer_error`, `` `Error `` case); the P2P errors are no exception.
 */
export const P2P_ERROR_STATUS = 500;

/** What a field builder may need beyond the error itself. */
export interface P2pErrorContext {
  /** The peer id a point was expected to have (`identity_check_failure` reports it). */
  expectedPeerId(point: Point): PeerId | undefined;
}

interface OctezError {
  readonly id: string;
  readonly kind: ErrorJson['kind'];
  /** The error's own JSON fields, in Octez's order. */
  readonly fields?: (e: P2pError, ctx: P2pErrorContext) => Record<string, unknown>;
}

const motive = (m: NackMotive | undefined): number => nackMotiveCode(m ?? { kind: 'No_motive' });
const point = (e: P2pError): Record<string, unknown> => (e.point ? { point: pointToString(e.point) } : {});

/**
 * `P2pError` code → the Octez error (`src/lib_p2p_services/p2p_errors.ml`, `src/lib_base/p2p_rejection.ml`,
 * `src/lib_base/data_encoding_wrapper.ml`, `src/lib_error_monad/error_monad.ml`) that
 * `P2p_connect_handler.connect` fails with in the same case: same id, kind and fields, so that
 * octez-client decodes the trace as Octez's own. `'internal'`: a code Octez has no error for (a misuse of
 * our own API), answered as an internal error.
 */
const OCTEZ_ERRORS: Record<P2pErrorCode, OctezError | 'internal'> = {
  POINT_BANNED: { id: 'node.p2p_pool.point_banned', kind: 'permanent', fields: point },
  PEER_BANNED: {
    id: 'node.p2p_pool.peer_banned',
    kind: 'permanent',
    fields: (e) => (e.peerId ? { peer: e.peerId } : {}),
  },
  TOO_MANY_CONNECTIONS: { id: 'node.p2p_pool.too_many_connections', kind: 'permanent' },
  PRIVATE_MODE: { id: 'node.p2p_pool.private_mode', kind: 'permanent' },
  PENDING_CONNECTION: { id: 'node.p2p_pool.pending_connection', kind: 'permanent' },
  CONNECTED: { id: 'node.p2p_pool.connected', kind: 'permanent' },
  CONNECTION_FAILED: { id: 'node.p2p_pool.connection_failed', kind: 'permanent' },
  P2P_SHUT_DOWN: { id: 'node.p2p_pool.disabled', kind: 'permanent' },
  IDENTITY_CHECK_FAILURE: {
    id: 'node.p2p_connect_handler.identity_check_failure',
    kind: 'permanent',
    fields: (e, ctx) => {
      const expected = e.point ? ctx.expectedPeerId(e.point) : undefined;
      return {
        ...point(e),
        ...(expected ? { expected_peer_id: expected } : {}),
        ...(e.peerId ? { received_peer_id: e.peerId } : {}),
      };
    },
  },
  REJECTED: {
    id: 'node.p2p_pool.rejected',
    kind: 'permanent',
    fields: (e) => ({ ...(e.peerId ? { peer_id: e.peerId } : {}), motive: motive(e.motive) }),
  },
  REJECTED_NO_COMMON_PROTOCOL: {
    id: 'node.p2p_socket.rejected_no_common_protocol',
    kind: 'permanent',
    // Required by Octez's encoding: the version the peer announced.
    fields: (e) => (e.announcedVersion ? { announced_version: networkVersionJson(e.announcedVersion) } : {}),
  },
  REJECTED_BY_NACK: {
    id: 'node.p2p_socket.rejected_by_nack',
    kind: 'permanent',
    fields: (e) => ({
      motive: motive(e.motive),
      ...(e.alternativePoints ? { alternative_points: e.alternativePoints.map(pointToString) } : {}),
    }),
  },
  MYSELF: {
    id: 'node.p2p_socket.myself',
    kind: 'permanent',
    fields: (e) => {
      const id = e.cause instanceof ConnectionError ? e.cause.idPoint : e.point;
      return id ? { connection_id: connectionPointJson(id) } : {};
    },
  },
  NOT_ENOUGH_PROOF_OF_WORK: {
    id: 'node.p2p_socket.not_enough_proof_of_work',
    kind: 'permanent',
    fields: (e) => (e.peerId ? { peer_id: e.peerId } : {}),
  },
  INVALID_AUTH: { id: 'node.p2p_socket.invalid_auth', kind: 'permanent' },
  DECIPHER_ERROR: { id: 'node.p2p_socket.decipher_error', kind: 'permanent' },
  INVALID_INCOMING_CIPHERTEXT_SIZE: { id: 'node.p2p_socket.invalid_incoming_ciphertext_size', kind: 'permanent' },
  MESSAGE_TOO_LARGE: { id: 'node.p2p_socket.invalid_message_size', kind: 'permanent' },
  CONNECTION_CLOSED: { id: 'node.p2p_io_scheduler.connection_closed', kind: 'permanent' },
  CONNECTION_CLOSED_LOCALLY: { id: 'node.p2p_io_scheduler.connection_closed', kind: 'permanent' },
  SOCKET_ERROR: { id: 'node.p2p_io_scheduler.connection_error', kind: 'permanent' },
  TIMEOUT: { id: 'utils.Timeout', kind: 'temporary' },
  CANCELED: { id: 'canceled', kind: 'temporary' },
  // `P2p_socket` fails with `Data_encoding_wrapper.Decoding_error` / `Encoding_error`.
  DECODING_ERROR: { id: 'decoding_error', kind: 'permanent', fields: (e) => ({ error: readErrorJson(e) }) },
  ENCODING_ERROR: { id: 'encoding_error', kind: 'permanent', fields: (e) => ({ error: writeErrorJson(e) }) },
  RECEIVER_CONFLICT: 'internal',
  MESSAGE_HANDLER_FAILED: 'internal',
};

/** The RPC answer for a failure of the P2P layer: its Octez error trace, or an internal error. */
export function p2pFailure(e: unknown, ctx: P2pErrorContext): RpcError {
  if (!(e instanceof P2pError)) return RpcError.internal(e);
  const o = OCTEZ_ERRORS[e.code] as OctezError | 'internal' | undefined;
  if (o === undefined || o === 'internal') return RpcError.internal(e);
  const trace: ErrorJson[] = [{ kind: o.kind, id: o.id, ...o.fields?.(e, ctx) }];
  return new RpcError('P2P_ERROR', P2P_ERROR_STATUS, { kind: 'trace', trace }, e.message, { cause: e });
}
