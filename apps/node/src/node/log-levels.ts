import {
  type P2pEvent,
  type P2pEventKind,
  type P2pReport,
  type P2pReportKind,
  p2pEventToJson,
} from '@tezos-p2p/events';
import type { Logger } from 'pino';

type Level = 'debug' | 'info' | 'warn' | 'error';
/** The worker a report comes from, printed as the line's `source`. */
type Source = 'connect_handler' | 'p2p_conn' | 'answerer' | 'maintenance' | 'discovery' | 'pool' | 'supervisor';

/**
 * THE table of log levels: one entry per kind of the bus, events and reports alike, checked
 * exhaustive by the compiler. Where Octez has the event, its level (`p2p_events.ml`, `p2p_discovery`;
 * notice prints as info); the `P2pEvent`s an operator wants to follow are info, the rest debug.
 */
export const LOG_LEVELS: { readonly [K in P2pReportKind]: readonly [Source, Level] } & {
  readonly [K in P2pEventKind]: Level;
} = {
  // ---- P2pEvents (printed as `/network/log` does, message `p2p event`) ----
  Too_few_connections: 'debug',
  Too_many_connections: 'debug',
  New_point: 'debug',
  New_peer: 'debug',
  Incoming_connection: 'debug',
  Outgoing_connection: 'debug',
  Authentication_failed: 'info',
  Accepting_request: 'debug',
  Rejecting_request: 'debug',
  Request_rejected: 'info',
  Connection_established: 'info',
  Disconnection: 'info',
  External_disconnection: 'info',
  Gc_points: 'debug',
  Gc_peer_ids: 'debug',
  Swap_request_received: 'debug',
  Swap_ack_received: 'debug',
  Swap_request_sent: 'debug',
  Swap_ack_sent: 'debug',
  Swap_request_ignored: 'debug',
  Swap_success: 'debug',
  Swap_failure: 'debug',
  Bootstrap_sent: 'debug',
  Bootstrap_received: 'debug',
  Advertise_sent: 'debug',
  Advertise_received: 'debug',
  Maintenance_started: 'debug',
  Maintenance_ended: 'debug',
  // ---- reports (message: the kind) ----
  incoming_refused: ['connect_handler', 'debug'],
  incoming_evicted: ['connect_handler', 'debug'],
  authentication_failed: ['connect_handler', 'debug'], // authentication_error
  greylisted: ['connect_handler', 'info'], // greylist_peer (notice)
  address_greylisted: ['connect_handler', 'debug'],
  nack_sent: ['connect_handler', 'debug'], // peer_rejected
  refused_silently: ['connect_handler', 'debug'],
  handshake_settled: ['connect_handler', 'debug'], // authenticate_status
  new_connection: ['connect_handler', 'info'],
  peer_discovery_disabled: ['p2p_conn', 'warn'],
  bootstrap_received: ['p2p_conn', 'debug'],
  advertise_received: ['p2p_conn', 'debug'],
  private_node_request: ['answerer', 'warn'],
  private_node_ignored: ['answerer', 'warn'], // private_node_new_peers, _peers_request, _swap_request, _swap_ack
  no_swap_candidate: ['answerer', 'info'],
  swap_failed: ['answerer', 'info'],
  maintenance_started: ['maintenance', 'info'],
  maintenance_ended: ['maintenance', 'info'],
  connect_failed: ['maintenance', 'debug'], // connect_error
  create_socket_error: ['discovery', 'debug'],
  message_received: ['discovery', 'debug'],
  parse_error: ['discovery', 'debug'],
  ignored: ['discovery', 'debug'],
  register_new: ['discovery', 'info'], // notice
  broadcast_message: ['discovery', 'debug'],
  broadcast_error: ['discovery', 'debug'],
  unexpected_error: ['discovery', 'error'],
  save_peers_error: ['pool', 'error'], // save_error_peers
  worker_failed: ['supervisor', 'error'],
};

/** A report as a log line: the table's level, `source` the worker, message the kind. */
export function logReport(log: Logger, r: P2pReport): void {
  const [source, level] = LOG_LEVELS[r.kind];
  const { kind, ...fields } = r;
  log[level]({ source, ...fields }, kind);
}

/** An event as a log line, as `/network/log` prints it (none for the kinds Octez cannot encode). */
export function logEvent(log: Logger, e: P2pEvent): void {
  const json = p2pEventToJson(e);
  if (json !== undefined) log[LOG_LEVELS[e.kind]](json, 'p2p event');
}
