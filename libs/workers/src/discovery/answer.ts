import { type RemoteInfo, type Socket, createSocket } from 'node:dgram';
import { type PeerId, type Point, canonicalIp } from '@tezos-p2p/wire';
import { checkDiscoveryDatagram } from './datagram.js';
import { DiscoveryError, errorMessage } from './errors.js';
import type { DiscoveryEvent } from './events.js';
import { closeSocket } from './udp.js';

export interface AnswerParams {
  readonly peerId: PeerId;
  readonly bindAddr: string;
  readonly port: number;
  readonly trusted: boolean;
  readonly register: (point: Point, opts: { trusted: boolean }) => void;
  readonly emit: (e: DiscoveryEvent) => void;
  readonly count: (what: 'received' | 'registered' | 'ignored') => void;
}

/**
 * The answer worker (`P2p_discovery.Answer`): one socket bound to the discovery port, every
 * well-formed datagram from another peer registers the sender's point. Nothing a datagram contains
 * can make it throw; a receive error closes the socket and ends this worker only.
 */
export class Answer {
  private socket: Socket | undefined;

  constructor(private readonly p: AnswerParams) {}

  /** Bind; resolves once bound. `stop` while binding rejects it (BIND_FAILED: never bound). */
  start(): Promise<void> {
    const { bindAddr, port } = this.p;
    const where = `${bindAddr}:${port}`;
    // SO_REUSEADDR as Octez, so that several nodes of one host share the port: each of them gets
    // every broadcast (unicast datagrams reach only one of them).
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = socket;
    return new Promise<void>((resolve, reject) => {
      const fail = (cause: unknown, why: string, stopped = false) => {
        socket.off('error', onError).off('close', onClose);
        if (this.socket === socket) this.socket = undefined;
        void closeSocket(socket);
        if (!stopped) this.p.emit({ kind: 'create_socket_error', address: bindAddr, port, error: why });
        reject(
          new DiscoveryError('BIND_FAILED', `cannot bind the LAN discovery socket to ${where}: ${why}`, { cause }),
        );
      };
      const onError = (e: Error) => fail(e, e.message);
      const onClose = () => fail(undefined, 'stopped before the socket was bound', true);
      socket.once('error', onError).once('close', onClose);
      socket.bind({ port, address: bindAddr }, () => {
        socket.off('error', onError).off('close', onClose);
        try {
          // Node can only set it once bound; Octez sets it before binding (it does not matter for receiving).
          socket.setBroadcast(true);
        } catch (e) {
          fail(e, errorMessage(e));
          return;
        }
        socket.on('message', (msg, rinfo) => this.onMessage(socket, msg, rinfo));
        socket.on('error', (e) => this.onReceiveError(e));
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    return socket === undefined ? Promise.resolve() : closeSocket(socket);
  }

  private onReceiveError(e: Error): void {
    // Octez: any error of the loop shuts the answer worker down (`unexpected_error`); the sender lives on.
    this.p.emit({ kind: 'unexpected_error', worker: 'answer', error: errorMessage(e), stopped: true });
    void this.stop();
  }

  private onMessage(socket: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    if (this.socket !== socket) return; // closed with datagrams still queued
    const source = { address: rinfo.address, port: rinfo.port };
    this.p.count('received');
    this.p.emit({ kind: 'message_received', source, size: msg.length });
    const drop = (e: DiscoveryEvent) => {
      this.p.count('ignored');
      this.p.emit(e);
    };
    // As Octez: address family and length, then decoding (with the magic), then the peer id.
    if (rinfo.family !== 'IPv4')
      return drop({ kind: 'parse_error', source, reason: 'NOT_IPV4', detail: `source family ${rinfo.family}` });
    const check = checkDiscoveryDatagram(msg);
    if (!check.ok) return drop({ kind: 'parse_error', source, reason: check.reason, detail: check.detail });
    if (check.peerId === this.p.peerId) return drop({ kind: 'ignored', source, reason: 'OWN_PEER_ID' });
    let ip: string;
    try {
      ip = canonicalIp(rinfo.address);
    } catch (e) {
      // Octez's only `parse_error`: the source address does not parse back.
      return drop({ kind: 'parse_error', source, reason: 'NOT_IPV4', detail: errorMessage(e) });
    }
    const point: Point = { ip, port: check.port };
    const trusted = this.p.trusted;
    this.p.emit({ kind: 'register_new', point, peerId: check.peerId, trusted });
    try {
      this.p.register(point, { trusted });
    } catch (e) {
      this.p.emit({
        kind: 'unexpected_error',
        worker: 'answer',
        error: `register ${ip}:${check.port}: ${errorMessage(e)}`,
        stopped: false,
      });
      this.p.count('ignored');
      return;
    }
    this.p.count('registered');
  }
}
