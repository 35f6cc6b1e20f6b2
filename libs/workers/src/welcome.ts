import { CodedError } from '@tezos-p2p/encoding';
import { type Server, type Socket, createServer } from 'node:net';
import { adoptAcceptedSocket } from '@tezos-p2p/connection';
import { canonicalIp } from '@tezos-p2p/wire';

export class WelcomeError extends CodedError<'FAILED_TO_OPEN_LISTENING_SOCKET'> {
  override readonly name = 'WelcomeError';
  /** `Failed_to_open_listening_socket`. */
  readonly code = 'FAILED_TO_OPEN_LISTENING_SOCKET';
  readonly address: string;
  readonly port: number;

  constructor(address: string, port: number, reason: string, options?: { cause?: unknown }) {
    super(`cannot listen on ${address.includes(':') ? `[${address}]` : address}:${port}: ${reason}`, options);
    this.address = address;
    this.port = port;
  }
}

export interface WelcomeOptions {
  /** Default `::` (every address, IPv4 and IPv6), as Octez. */
  readonly address?: string;
  readonly port: number;
  /** listen(2) backlog (default 20). */
  readonly backlog?: number;
  readonly onSocket: (socket: Socket) => void;
}

/**
 * `P2p_welcome`: the listening socket. Octez accepts one socket at a time and hands it to the connect
 * handler, which returns at once; Node's accept loop does the same. The server binds dual-stack on
 * `::` so IPv4 peers arrive as IPv4-mapped addresses.
 */
export class Welcome {
  private server: Server | undefined;
  private boundPort = 0;

  constructor(private readonly o: WelcomeOptions) {}

  async start(): Promise<void> {
    const address = this.o.address === undefined ? '::' : canonicalIp(this.o.address);
    // Accepted sockets stay unread until adopted as shared-buffer sockets (libs/connection).
    const server = createServer({ noDelay: true, pauseOnConnect: true }, (s) =>
      this.o.onSocket(adoptAcceptedSocket(s)),
    );
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) =>
        reject(new WelcomeError(address, this.o.port, e.code ?? e.message, { cause: e }));
      server.once('error', onError);
      server.listen({ host: address, port: this.o.port, backlog: this.o.backlog ?? 20, ipv6Only: false }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    // Transient accept errors (EMFILE, ECONNABORTED …) must not stop the node.
    server.on('error', () => undefined);
    this.server = server;
    this.boundPort = (server.address() as { port: number }).port;
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return this.boundPort;
  }

  /**
   * Stop accepting. The listening socket closes at once; `server.close`'s callback would wait for every
   * accepted connection, which the pool closes later in the shutdown.
   */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    s?.close();
  }
}
