/** LAN discovery (`p2p_discovery.ml`): the UDP answer and sender workers. */
export { Discovery } from './discovery.js';
export { DiscoveryError, type DiscoveryErrorCode } from './errors.js';
export {
  type DiscoveryEvent,
  type DiscoveryEventKind,
  type DiscoveryParseErrorReason,
  type DiscoveryStats,
  type DiscoveryEndpoint,
} from './events.js';
export {
  type DiscoveryOptions,
  DEFAULT_DISCOVERY_PORT,
  DEFAULT_DISCOVERY_ADDR,
  DEFAULT_DISCOVERY_BIND_ADDR,
  DISCOVERY_MAX_ANNOUNCEABLE_PORT,
} from './options.js';
export { makeDiscoveryDatagram, checkDiscoveryDatagram, type DiscoveryDatagramCheck } from './datagram.js';
