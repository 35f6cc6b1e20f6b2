/**
 * @packageDocumentation
 * What every layer shares: the `P2pEvent` union (one case per Octez `P2p_event` constructor), the
 * event bus with the workers' triggers and bounded consumers for slow readers, and the injectable
 * clock and random source.
 */
export { type P2pEvent, type P2pEventKind, type P2pEventOf, P2P_EVENT_KINDS, p2pEventToJson } from './p2p-event.js';
export {
  type P2pReport,
  type P2pReportKind,
  type P2pReportOf,
  type ReportedError,
  reportedError,
  type ConnectHandlerReport,
  type P2pConnReport,
  type AnswererReport,
  type MaintenanceReport,
  type SupervisionReport,
  type WorkerName,
  type DiscoveryEvent,
  type DiscoveryEndpoint,
  type DiscoveryParseErrorReason,
  type IncomingRefusal,
  type MaintenanceMotive,
} from './p2p-report.js';
export { EventBus, type Triggers, type TriggerName, type ConsumeOptions } from './event-bus.js';
export { BoundedConsumer, ConsumerOverflowError } from './bounded-consumer.js';
export {
  type Clock,
  type TimerHandle,
  systemClock,
  sleep,
  FakeClock,
  type Rng,
  systemRng,
  seededRng,
  randomInt,
  shuffled,
} from './clock.js';
