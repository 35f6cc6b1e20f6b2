/**
 * The P2P metrics of octez-node v25.1, as its `/metrics` prints them: `src/lib_p2p/p2p_metrics.ml`
 * (counters, `Prometheus.Counter.v ~namespace:"octez" ~subsystem:"p2p" (component ^ "_" ^ name)`)
 * and `src/lib_p2p/p2p_metrics_collectors.ml` (gauges read at collection time). The OCaml client
 * joins namespace, subsystem and name with `_` and adds no `_total` to counters, so neither do we:
 * the community's dashboards query these exact names. Help texts are Octez's, word for word.
 */

export interface OctezMetric {
  readonly name: string;
  readonly help: string;
}

const counter = (component: string, name: string, help: string): OctezMetric => ({
  name: `octez_p2p_${component}_${name}`,
  help,
});
const gauge = counter;

/** `P2p_metrics.Messages` and `P2p_metrics.Swap`: counters. */
export const OCTEZ_P2P_COUNTERS = {
  broadcastMessageSent: counter('messages', 'broadcast_message_sent', 'Number of user message sent by broadcasting'),
  userMessageSent: counter('messages', 'user_message_sent', 'Number of user message sent'),
  userMessageReceived: counter('messages', 'user_message_received', 'Number of user message received'),
  userMessageReceivedError: counter(
    'messages',
    'user_message_received_error',
    'Number of user message received that resulted in error',
  ),
  advertiseReceived: counter('messages', 'advertise_received', 'Number of advertise received'),
  advertiseSent: counter('messages', 'advertise_sent', 'Number of advertise sent'),
  bootstrapReceived: counter('messages', 'bootstrap_received', 'Number of bootstrap received'),
  bootstrapSent: counter('messages', 'bootstrap_sent', 'Number of bootstrap sent'),
  swapRequestsSent: counter('messages', 'swap_requests_sent', 'Number of swap sent'),
  swapRequestsReceived: counter('messages', 'swap_requests_received', 'Number of swap received'),
  swapAckSent: counter('messages', 'swap_ack_sent', 'Number of swap acks sent'),
  swapAckReceived: counter('messages', 'swap_ack_received', 'Number of swap acks received'),
  swapIgnored: counter('swap', 'ignored', 'Number of ignored swap'),
  swapSuccess: counter('swap', 'success', 'Number of successful swap'),
  swapFail: counter('swap', 'fail', 'Number of failed swap'),
} as const;

export type OctezCounterId = keyof typeof OCTEZ_P2P_COUNTERS;

/** `P2p_metrics_collectors`: gauges (every one of them, totals included, is a gauge in Octez). */
export const OCTEZ_P2P_GAUGES = {
  connectionsActive: gauge('connections', 'active', 'Number of active connections'),
  connectionsIncoming: gauge('connections', 'incoming', 'Number of incoming connections'),
  connectionsOutgoing: gauge('connections', 'outgoing', 'Number of outgoing connections'),
  connectionsPrivate: gauge('connections', 'private', 'Number of private connections'),
  peersAccepted: gauge('peers', 'accepted', 'Number of accepted connections'),
  peersRunning: gauge('peers', 'running', 'Number of running peers'),
  peersDisconnected: gauge('peers', 'disconnected', 'Number of disconnected peers'),
  pointsTrusted: gauge('points', 'trusted', 'Number of trusted points'),
  pointsGreylisted: gauge('points', 'greylisted', 'Number of greylisted points'),
  pointsAccepted: gauge('points', 'accepted', 'Number of accepted points'),
  pointsRunning: gauge('points', 'running', 'Number of running points'),
  pointsDisconnected: gauge('points', 'disconnected', 'Number of disconnected points'),
  ioTotalSent: gauge('io_scheduler', 'total_sent', 'Total amount of sent data (in bytes)'),
  ioTotalRecv: gauge('io_scheduler', 'total_recv', 'Total amount of received data'),
  ioCurrentInflow: gauge('io_scheduler', 'current_inflow', 'Current ingoing data rate'),
  ioCurrentOutflow: gauge('io_scheduler', 'current_outflow', 'Current outgoing data rate'),
} as const;

export type OctezGaugeId = keyof typeof OCTEZ_P2P_GAUGES;
