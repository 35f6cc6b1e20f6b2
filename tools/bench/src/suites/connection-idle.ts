import { type Socket, connect, createServer } from 'node:net';
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import { type Connection, IoScheduler, adoptAcceptedSocket, establish } from '@tezos-p2p/connection';
import type { RawAppMessage } from '@tezos-p2p/wire';
import { benchEstablishOptions, dialSocket } from '../bench-connection.js';

/** heapUsed + external after full collections (the bench runs with --expose-gc). */
async function settledMemory(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (npm run bench does)');
  for (let i = 0; i < 6; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

export interface IdleMemory {
  /** Bytes per plain TCP socket (one end), the same loopback connections without a handshake. */
  readonly plainSocket: number;
  /** Bytes per idle authenticated connection (one end), its socket included. */
  readonly connection: number;
}

/**
 * `pairs` loopback TCP connections with both ends in this process, first plain, then authenticated
 * (both ends a `Connection`, one `IoScheduler`), all held idle; memory per end after full collections.
 */
export async function idleConnectionMemory(pairs: number): Promise<IdleMemory> {
  const [a, b] = await Promise.all([
    generateIdentity({ difficulty: 0, workers: 0 }),
    generateIdentity({ difficulty: 0, workers: 0 }),
  ]);
  const scheduler = new IoScheduler();
  const opts = (identity: Identity, incoming: boolean) => benchEstablishOptions(identity, incoming, { scheduler });
  let accepted: Promise<Socket | Connection<RawAppMessage>>[] = [];
  let authenticate = true;
  // Plain sockets are Node's own; authenticated ones are made as the node makes them (bench-connection.ts).
  const server = createServer({ pauseOnConnect: true }, (s) => {
    const c = authenticate
      ? (establish(adoptAcceptedSocket(s), opts(b, true)) as Promise<Connection<RawAppMessage>>)
      : Promise.resolve(s.resume());
    accepted.push(c);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const dial = async (): Promise<Socket> => {
    if (authenticate) return dialSocket(port);
    const s = connect(port, '127.0.0.1');
    await new Promise<void>((r, j) => s.once('connect', r).once('error', j));
    return s;
  };
  const allAccepted = async (n = pairs) => {
    while (accepted.length < n) await new Promise((r) => setTimeout(r, 5));
    const all = await Promise.all(accepted);
    accepted = [];
    return all;
  };
  const sockets: Socket[] = [];
  const conns: Connection<RawAppMessage>[] = [];
  try {
    // Warm-up: the handshake's code compiled and the modules' lazy state made before the first sample.
    const warm = await Promise.all(
      Array.from(
        { length: 20 },
        async () => establish(await dial(), opts(a, false)) as Promise<Connection<RawAppMessage>>,
      ),
    );
    for (const c of [...warm, ...((await allAccepted(20)) as Connection<RawAppMessage>[])]) c.close();
    authenticate = false;
    const m0 = await settledMemory();
    for (let i = 0; i < pairs; i++) sockets.push(await dial());
    sockets.push(...((await allAccepted()) as Socket[]));
    const m1 = await settledMemory();
    authenticate = true;
    for (let i = 0; i < pairs; i += 50) {
      const lane = Array.from({ length: Math.min(50, pairs - i) }, async () => establish(await dial(), opts(a, false)));
      conns.push(...((await Promise.all(lane)) as Connection<RawAppMessage>[]));
    }
    conns.push(...((await allAccepted()) as Connection<RawAppMessage>[]));
    const m2 = await settledMemory();
    return { plainSocket: (m1 - m0) / (2 * pairs), connection: (m2 - m1) / (2 * pairs) };
  } finally {
    for (const c of conns) c.close();
    for (const s of sockets) s.destroy();
    server.close();
    scheduler.stop();
  }
}
