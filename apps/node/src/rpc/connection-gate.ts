import type { Server, Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { RefusalBurst, burstLowWater } from './cap-burst.js';
import { clientKey } from './client-key.js';

/** What the gate holds and has refused, for `RpcServer.connections()`. */
export interface RpcConnectionStats {
  /** RPC sockets open now, over every listening address. */
  readonly open: number;
  /** The cap on `open` in force (the configured one, lowered by the descriptor budget). */
  readonly cap: number;
  readonly perAddressCap: number;
  /** Sockets refused since the start, at either cap. */
  readonly refused: number;
}

const ALL = '*';

/**
 * Caps the RPC sockets open at once, in all and per client (`clientKey`), over every listening
 * address it is attached to. Enforced where sockets are accepted, first of the server's
 * `connection` listeners: a socket over a cap is reset before a byte of it is read, so it holds no
 * descriptor, buffer or timer past that turn. The reset (RST, not FIN) tells the client at once and
 * leaves no TIME_WAIT on our side under a flood.
 * Refusals are logged once per burst (`RefusalBurst`): a warning when a cap is reached, the burst's
 * total at info when the count has fallen back.
 */
export class ConnectionGate {
  private open = 0;
  private refused = 0;
  private readonly perClient = new Map<string, number>();
  private readonly totalBurst: RefusalBurst;
  private readonly clientBurst: RefusalBurst;

  constructor(
    readonly cap: number,
    readonly perAddressCap: number,
    log: FastifyBaseLogger,
    now?: () => number,
  ) {
    const seconds = (ms: number) => Math.round(ms / 100) / 10;
    this.totalBurst = new RefusalBurst(
      cap,
      (_key, open) =>
        log.warn(
          { open, cap },
          `RPC connection cap reached: ${open} open, refusing new connections until fewer than ${burstLowWater(cap)} are open`,
        ),
      (s) =>
        log.info(
          { refused: s.refused, duration_s: seconds(s.durationMs) },
          `RPC connection cap burst over: ${s.refused} connections refused in ${seconds(s.durationMs)} s`,
        ),
      now,
    );
    this.clientBurst = new RefusalBurst(
      perAddressCap,
      (client, open) =>
        log.warn(
          { client, open, cap: perAddressCap },
          `RPC per-address connection cap reached: ${open} open from ${client}, refusing its new connections`,
        ),
      (s) =>
        log.info(
          { refused: s.refused, addresses: s.saturations, duration_s: seconds(s.durationMs) },
          `RPC per-address connection cap burst over: ${s.refused} connections refused (${s.saturations} address saturations) in ${seconds(s.durationMs)} s`,
        ),
      now,
    );
  }

  /** Count `server`'s sockets, ahead of the HTTP server's own listener (which then sees a closed socket). */
  attach(server: Server): void {
    server.prependListener('connection', (socket: Socket) => this.admit(socket));
  }

  stats(): RpcConnectionStats {
    return { open: this.open, cap: this.cap, perAddressCap: this.perAddressCap, refused: this.refused };
  }

  private admit(socket: Socket): void {
    const client = clientKey(socket.remoteAddress);
    const mine = this.perClient.get(client) ?? 0;
    if (this.open >= this.cap) {
      this.refuse(socket);
      this.totalBurst.refuse(ALL, this.open);
      return;
    }
    if (mine >= this.perAddressCap) {
      this.refuse(socket);
      this.clientBurst.refuse(client, mine);
      return;
    }
    this.open++;
    this.perClient.set(client, mine + 1);
    socket.once('close', () => {
      this.open--;
      const left = this.perClient.get(client)! - 1;
      if (left === 0) this.perClient.delete(client);
      else this.perClient.set(client, left);
      this.totalBurst.release(ALL, this.open);
      this.clientBurst.release(client, left);
    });
  }

  private refuse(socket: Socket): void {
    this.refused++;
    // Gone already (reset by the client): nothing to close, and resetAndDestroy would emit an error.
    if (!socket.destroyed) socket.resetAndDestroy();
  }
}
