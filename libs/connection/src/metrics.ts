import { type Attributes, type MeterProvider, type ObservableResult, metrics } from '@opentelemetry/api';

/**
 * Traffic metrics of authenticated connections: `tezos.p2p.bytes` (wire bytes, chunk headers and MACs
 * included, as `Connection.stat()`) and `tezos.p2p.messages` (by P2P message kind).
 *
 * Why observable counters over process-wide totals rather than `Counter.add` per message: the SDK's
 * synchronous `add` reads the active context and the clock and hashes the attributes (sorted keys,
 * JSON) on every call; here a message costs one number increment and nothing is allocated, and the
 * totals are read only when a reader collects.
 */

const METER_NAME = '@tezos-p2p/connection';
const METER_VERSION = '0.1.0';

/** Values of the `kind` attribute, indexed as `kindIndex` returns: the P2P kinds, then every application message. */
const KINDS = ['disconnect', 'bootstrap', 'advertise', 'swap_request', 'swap_ack', 'application'] as const;
const APPLICATION = KINDS.length - 1;
/** A frame is `[u32 size][u16 tag][payload]`; tags 0x01–0x05 are the P2P layer's (`P2p_message`). */
const TAG_OFFSET = 4;
const LAST_P2P_TAG = 0x05;

const SENT: Attributes = { direction: 'sent' };
const RECEIVED: Attributes = { direction: 'received' };
const KIND_ATTRIBUTES: readonly (readonly [Attributes, Attributes])[] = KINDS.map((kind) => [
  { direction: 'sent', kind },
  { direction: 'received', kind },
]);

const totals = {
  bytesSent: 0,
  bytesReceived: 0,
  messagesSent: KINDS.map(() => 0),
  messagesReceived: KINDS.map(() => 0),
};

function kindIndex(frame: Uint8Array): number {
  const tag = ((frame[TAG_OFFSET] ?? 0) << 8) | (frame[TAG_OFFSET + 1] ?? 0);
  return tag >= 1 && tag <= LAST_P2P_TAG ? tag - 1 : APPLICATION;
}

export function countBytesSent(n: number): void {
  totals.bytesSent += n;
}

export function countBytesReceived(n: number): void {
  totals.bytesReceived += n;
}

/** `frame` is the encoded message, size prefix included. */
export function countMessageSent(frame: Uint8Array): void {
  totals.messagesSent[kindIndex(frame)]! += 1;
}

export function countMessageReceived(frame: Uint8Array): void {
  totals.messagesReceived[kindIndex(frame)]! += 1;
}

function observeBytes(r: ObservableResult): void {
  r.observe(totals.bytesSent, SENT);
  r.observe(totals.bytesReceived, RECEIVED);
}

function observeMessages(r: ObservableResult): void {
  for (let i = 0; i < KINDS.length; i++) {
    const [sent, received] = KIND_ATTRIBUTES[i]!;
    r.observe(totals.messagesSent[i]!, sent);
    r.observe(totals.messagesReceived[i]!, received);
  }
}

let boundTo: MeterProvider | undefined;

/**
 * Register the observable instruments with the global meter provider, once per provider.
 * `@opentelemetry/api` 1.9 has a proxy for tracers but none for meters: a meter obtained before an
 * SDK registers stays a no-op forever. So instead of binding at import, every new connection checks
 * which provider is current (cheap: a global lookup, per connection, never per message).
 */
export function bindConnectionMetrics(): void {
  const provider = metrics.getMeterProvider();
  if (provider === boundTo) return;
  boundTo = provider;
  const meter = provider.getMeter(METER_NAME, METER_VERSION);
  meter
    .createObservableCounter('tezos.p2p.bytes', {
      unit: 'By',
      description: 'Bytes on authenticated connections, chunk framing included',
    })
    .addCallback(observeBytes);
  meter
    .createObservableCounter('tezos.p2p.messages', {
      unit: '{message}',
      description: 'Messages queued for sending or decoded, by P2P message kind',
    })
    .addCallback(observeMessages);
}
