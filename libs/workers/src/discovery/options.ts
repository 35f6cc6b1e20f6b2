import { type Clock, type EventBus, systemClock } from '@tezos-p2p/events';
import { type PeerId, type Point, canonicalIp, isPeerId } from '@tezos-p2p/wire';
import { DiscoveryError } from './errors.js';
import type { DiscoveryEvent } from './events.js';

/** Octez `default_discovery_port`. */
export const DEFAULT_DISCOVERY_PORT = 10732;
/** Octez's default `discovery_addr` once `discovery-addr` is configured (`Ipaddr.V4.broadcast`). */
export const DEFAULT_DISCOVERY_ADDR = '255.255.255.255';
/** Octez binds the answer socket to `Unix.inet_addr_any` whatever `discovery_addr` says. */
export const DEFAULT_DISCOVERY_BIND_ADDR = '0.0.0.0';
/** The announced port is a signed int16 on the wire. */
export const DISCOVERY_MAX_ANNOUNCEABLE_PORT = 32767;

export interface DiscoveryOptions {
  /** Ours; datagrams carrying it are ignored. */
  readonly peerId: PeerId;
  /** Announced in the datagram (Octez uses the listening port, NOT the advertised one). */
  readonly listeningPort: number;
  /** Where the sender sends, an IPv4 literal (Octez default 255.255.255.255). */
  readonly discoveryAddr: string;
  /** Both the port the sender sends to and the port the answer socket binds (Octez default 10732). */
  readonly discoveryPort: number;
  /**
   * Where the answer socket binds: Octez always binds 0.0.0.0 (the configured address is ignored
   * for binding). Keep that default; overriding is for tests and network namespaces. Note that a
   * socket bound to a unicast address does not receive broadcasts.
   */
  readonly bindAddr?: string;
  /** Register a discovered point (the pool's `registerNewPoint`). `trusted` is `trustDiscoveredPeers`. */
  readonly register: (point: Point, opts: { trusted: boolean }) => void;
  /** Octez sets it only in sandbox mode. Default false, which clears the trust of a known point. */
  readonly trustDiscoveredPeers?: boolean;
  readonly clock?: Clock;
  /**
   * Inside a P2p layer: the bus the reports (what Octez logs as debug/notice/error events, the
   * `DiscoveryEvent` cases of `P2pReport`) are published on, like the other workers'.
   */
  readonly bus?: EventBus | undefined;
  /**
   * Standalone observability hook for the same reports, called synchronously (it may `stop` the
   * worker). Exceptions it throws are swallowed. Called after the bus when both are given.
   */
  readonly onEvent?: (e: DiscoveryEvent) => void;
}

/** The options once checked, with defaults applied and addresses in canonical dotted form. */
export interface ResolvedDiscoveryOptions {
  readonly peerId: PeerId;
  readonly listeningPort: number;
  readonly discoveryAddr: string;
  readonly discoveryPort: number;
  readonly bindAddr: string;
  readonly register: (point: Point, opts: { trusted: boolean }) => void;
  readonly trustDiscoveredPeers: boolean;
  readonly clock: Clock;
  readonly bus: EventBus | undefined;
  readonly onEvent: ((e: DiscoveryEvent) => void) | undefined;
}

function invalid(message: string): never {
  throw new DiscoveryError('INVALID_OPTIONS', message);
}

function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;
}

/**
 * Octez types the discovery address as `Ipaddr.V4.t` (config resolution drops IPv6 results), so only
 * IPv4 literals are accepted, IPv4-mapped ones included. Names are refused: resolving them is the
 * configuration's job, and a socket given a name would silently do a DNS lookup on every send.
 */
function ipv4(what: string, text: unknown): string {
  if (typeof text !== 'string') invalid(`${what} must be an IPv4 address, got ${typeof text}`);
  let ip: string;
  try {
    ip = canonicalIp(text);
  } catch {
    invalid(`${what} must be an IPv4 literal, got ${JSON.stringify(text)}`);
  }
  if (ip.includes(':'))
    invalid(`${what} must be an IPv4 address (discovery is IPv4 only), got ${JSON.stringify(text)}`);
  return ip;
}

export function resolveDiscoveryOptions(opts: DiscoveryOptions): ResolvedDiscoveryOptions {
  if (!isPeerId(opts.peerId)) invalid(`peerId is not a peer id: ${JSON.stringify(opts.peerId)}`);
  if (!isPort(opts.listeningPort))
    invalid(`listeningPort must be an integer in [0, 65535], got ${String(opts.listeningPort)}`);
  if (opts.listeningPort > DISCOVERY_MAX_ANNOUNCEABLE_PORT) {
    throw new DiscoveryError(
      'PORT_NOT_ANNOUNCEABLE',
      `listening port ${opts.listeningPort} cannot be announced by LAN discovery: the datagram carries it as a signed int16 ` +
        `(at most ${DISCOVERY_MAX_ANNOUNCEABLE_PORT}); Octez's sender would fail on it. Listen on a lower port or leave discovery off.`,
    );
  }
  // Port 0 would bind an ephemeral port nobody sends to, and sending to port 0 fails.
  if (!isPort(opts.discoveryPort) || opts.discoveryPort === 0) {
    invalid(`discoveryPort must be an integer in [1, 65535], got ${String(opts.discoveryPort)}`);
  }
  if (typeof opts.register !== 'function') invalid('register must be a function');
  if (opts.trustDiscoveredPeers !== undefined && typeof opts.trustDiscoveredPeers !== 'boolean')
    invalid('trustDiscoveredPeers must be a boolean');
  if (opts.bus !== undefined && typeof opts.bus?.report !== 'function') invalid('bus must be an EventBus');
  if (opts.onEvent !== undefined && typeof opts.onEvent !== 'function') invalid('onEvent must be a function');
  return {
    peerId: opts.peerId,
    listeningPort: opts.listeningPort,
    discoveryAddr: ipv4('discoveryAddr', opts.discoveryAddr),
    discoveryPort: opts.discoveryPort,
    bindAddr: ipv4('bindAddr', opts.bindAddr ?? DEFAULT_DISCOVERY_BIND_ADDR),
    register: opts.register,
    trustDiscoveredPeers: opts.trustDiscoveredPeers ?? false,
    clock: opts.clock ?? systemClock,
    bus: opts.bus,
    onEvent: opts.onEvent,
  };
}
