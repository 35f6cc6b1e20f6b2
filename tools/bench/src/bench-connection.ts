/**
 * One authenticated bench connection, as every suite and worker that measures our Connection makes
 * it: the same chain name, message encoding and establish options, the same dial, the same sender
 * loop. Figures from different suites (connection, peer-libp2p, the idle-memory probe) are then
 * measured on the same thing.
 */
import { type Server, type Socket, createServer } from 'node:net';
import { type Identity, getCryptoBackend } from '@tezos-p2p/crypto';
import {
  type Connection,
  type IoScheduler,
  adoptAcceptedSocket,
  connectSharedBuffer,
  establish,
} from '@tezos-p2p/connection';
import {
  announcedVersion,
  type RawAppMessage,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';

export const BENCH_CHAIN = 'TEZOS_BENCH';
export const benchEncoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });

/** `establish` options of a bench end: proof of work 0, shell metadata, the bench chain and encoding. */
export function benchEstablishOptions(
  identity: Identity,
  incoming: boolean,
  extra: { scheduler: IoScheduler; backend?: ReturnType<typeof getCryptoBackend>; maxMessageSize?: number },
) {
  return {
    identity,
    version: announcedVersion(BENCH_CHAIN),
    metadata: shellConnectionMetadataConfig(),
    incoming,
    expectedProofOfWork: 0,
    messageEncoding: benchEncoding,
    ...extra,
  };
}

/**
 * A TCP socket to 127.0.0.1:`port` made as the node's dialler makes it (a shared-buffer socket, no
 * Nagle), once connected.
 */
export async function dialSocket(port: number): Promise<Socket> {
  const socket = connectSharedBuffer({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  return socket;
}

/** A server whose accepted sockets are made as the node's welcome worker makes them (shared-buffer sockets). */
export function benchServer(onSocket: (s: Socket) => void): Server {
  return createServer({ noDelay: true, pauseOnConnect: true }, (s) => onSocket(adoptAcceptedSocket(s)));
}

/** TCP to 127.0.0.1:`port` (`dialSocket`), then the whole handshake as the dialling end. */
export async function dialBench(
  port: number,
  identity: Identity,
  backend: 'native' | 'js',
  scheduler: IoScheduler,
): Promise<Connection<RawAppMessage>> {
  const socket = await dialSocket(port);
  return establish(
    socket,
    benchEstablishOptions(identity, false, {
      scheduler,
      maxMessageSize: 8 << 20,
      backend: getCryptoBackend(backend),
    }),
  ) as Promise<Connection<RawAppMessage>>;
}

/**
 * Send `size`-byte messages for `seconds`, then the end marker (tag 0x11) the receiver worker reports
 * on; returns when the sending started (epoch ms, comparable with the worker's `at`).
 */
export async function sendForThroughput(
  conn: Connection<RawAppMessage>,
  size: number,
  seconds: number,
): Promise<number> {
  const payload = new Uint8Array(size).fill(0x5a);
  const frame = conn.encodeMessage({ kind: 'Message', message: { tag: 0x10, payload } });
  const start = performance.timeOrigin + performance.now();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 64; i++) {
      if (!conn.trySendEncoded(frame)) await conn.sendEncoded(frame);
    }
  }
  await conn.send({ kind: 'Message', message: { tag: 0x11, payload: new Uint8Array(0) } });
  return start;
}
