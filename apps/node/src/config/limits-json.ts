import type { P2pLimits } from '@tezos-p2p/p2p';
import type { P2pLimitsJson } from './config-json.js';

const same = (v: unknown) => v;
const ms = (seconds: unknown) => (seconds as number) * 1000;
const kib = (v: unknown) => (v as number) * 1024;
const orNull = (f: (v: unknown) => unknown) => (v: unknown) => (v === null ? null : f(v));
/** A `null` queue size is Octez's `None`: no bound. */
const UNBOUNDED = 2 ** 31 - 1;
const queue = (v: unknown) => (v === null ? UNBOUNDED : v);
const table = (v: unknown) => {
  const [max, target] = v as [number, number];
  return { max, target };
};

/**
 * Which `P2pLimits` field each key sets. The queue keys follow the field Octez's encoding gives them,
 * not their names (quirk Q2): `P2p_limits.encoding` pairs `incoming-app-message-queue-size` with
 * `incoming_message_queue_size`, `incoming-message-queue-size` with `outgoing_message_queue_size` and
 * `outgoing-message-queue-size` with `incoming_app_message_queue_size`, and Octez writes its files
 * that way (`"outgoing-message-queue-size": 10` is the application queue of 10 messages). So each key
 * sets its own field: the connection's decoded-message queue, its plaintext write queue, the
 * application queue.
 */
const CONVERSIONS: Partial<Record<keyof P2pLimitsJson, readonly [keyof P2pLimits, (v: unknown) => unknown]>> = {
  'connection-timeout': ['connectionTimeoutMs', ms],
  'authentication-timeout': ['authenticationTimeoutMs', ms],
  'min-connections': ['minConnections', same],
  'expected-connections': ['expectedConnections', same],
  'max-connections': ['maxConnections', same],
  backlog: ['backlog', same],
  'max-incoming-connections': ['maxIncomingConnections', same],
  'max-download-speed': ['maxDownloadSpeed', kib],
  'max-upload-speed': ['maxUploadSpeed', kib],
  'swap-linger': ['swapLingerMs', orNull(ms)],
  'read-queue-size': ['readQueueSize', queue],
  'write-queue-size': ['writeQueueSize', queue],
  'incoming-app-message-queue-size': ['incomingMessageQueueSize', queue],
  'incoming-message-queue-size': ['outgoingMessageQueueSize', queue],
  'outgoing-message-queue-size': ['incomingAppMessageQueueSize', queue],
  max_known_points: ['maxKnownPoints', table],
  max_known_peer_ids: ['maxKnownPeerIds', table],
  peer_greylist_size: ['peerGreylistSize', same],
  ip_greylist_size_in_kilobytes: ['ipGreylistSizeInKilobytes', same],
  ip_greylist_cleanup_delay: ['ipGreylistCleanupDelayMs', ms],
  'maintenance-idle-time': ['maintenanceIdleTimeMs', orNull(ms)],
};

/**
 * config.json `p2p.limits` → `P2pLimits`. When `limits` is present, absent keys take their encoding
 * defaults, with two Octez quirks kept: `connection-timeout` then defaults to 5 s (Q1: its `dft`
 * names the authentication timeout), and absent `max_known_points` / `max_known_peer_ids` mean no GC
 * (Q3: they are `opt` fields).
 */
export function limitsFromJson(l: P2pLimitsJson | undefined): Partial<P2pLimits> {
  if (l === undefined) return {};
  const out: Record<string, unknown> = { connectionTimeoutMs: 5000, maxKnownPoints: null, maxKnownPeerIds: null };
  for (const [key, [field, convert]] of Object.entries(CONVERSIONS) as [
    keyof P2pLimitsJson,
    readonly [keyof P2pLimits, (v: unknown) => unknown],
  ][]) {
    if (l[key] !== undefined) out[field] = convert(l[key]);
  }
  return out as Partial<P2pLimits>;
}
