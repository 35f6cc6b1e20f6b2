// The discovery reports are part of the bus's `P2pReport` union.
export type { DiscoveryEndpoint, DiscoveryParseErrorReason, DiscoveryEvent } from '@tezos-p2p/events';
import type { DiscoveryEvent } from '@tezos-p2p/events';

export type DiscoveryEventKind = DiscoveryEvent['kind'];

/** Datagram counters, for tests and metrics. `received` = `registered` + `ignored`. */
export interface DiscoveryStats {
  /** Datagrams the sender handed to the kernel successfully. */
  readonly sent: number;
  /** Datagrams read by the answer socket. */
  readonly received: number;
  /** Received datagrams whose point was registered. */
  readonly registered: number;
  /** Received datagrams dropped (malformed, ours, or refused by `register`). */
  readonly ignored: number;
}
