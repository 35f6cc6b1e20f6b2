/**
 * A client process of the scale benchmark: opens `count` connections to the node under test from its
 * own 127.0.x.y source addresses (authenticated P2P connections, or plain TCP for the baseline),
 * keeps them idle, and records the delivery delay of every broadcast message it receives. The first
 * 8 bytes of a broadcast payload are the send time (µs since the epoch, float64), comparable across
 * processes of one host.
 *
 * The plain TCP baseline receives the same bytes as a P2P connection: one chunk `[u16 length][MAC]
 * [ciphertext]` whose plaintext is the same encoded P2P message, and opens it with raw libsodium (one
 * key and nonce for all: the baseline seals once), so that its clients do the decryption P2P
 * clients do, and load the shared cores alike.
 */
import { createRequire } from 'node:module';
import { type Socket, connect } from 'node:net';
import { type Connection, IoScheduler, connectSharedBuffer, establish } from '@tezos-p2p/connection';
import { generateIdentity } from '@tezos-p2p/crypto';
import { announcedVersion, type RawAppMessage, shellConnectionMetadataConfig } from '@tezos-p2p/wire';
import { ScaleBenchError } from '../suites/scale-error.js';
import { benchEncoding } from '../bench-connection.js';

export interface ScaleClientInput {
  readonly mode: 'p2p' | 'raw';
  readonly host: string;
  readonly port: number;
  readonly chainName: string;
  readonly count: number;
  readonly sources: readonly string[];
  /** Raw mode: the secretbox key (hex) of the baseline's chunks; their nonce is all zeros. */
  readonly rawKey: string;
  /** Raw mode: where the send time sits in a chunk's plaintext (the payload's offset in the frame). */
  readonly rawTimestampOffset: number;
}

/** A chunk's u16 length, then its MAC. */
const CHUNK_HEADER = 2;
const MAC = 16;

interface RawSodium {
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
}
const sodium = createRequire(import.meta.url)('sodium-native') as RawSodium;

export type ScaleClientMessage =
  | { readonly type: 'ready'; readonly connected: number; readonly failed: number; readonly firstError?: string }
  | { readonly type: 'delays'; readonly delaysUs: number[] };

const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const delays: number[] = [];
const open: { close(): void }[] = [];

function send(m: ScaleClientMessage): void {
  process.send!(m);
}

function connected(s: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * One read buffer for every baseline socket of this process (`onread`), as the library's own sockets
 * read (connectSharedBuffer): neither kind of client pays Node's fresh buffer per read.
 */
const rawReadBuffer = new Uint8Array(64 << 10);

/**
 * One scheduler for the process's connections, as a node has one: without it each `establish` would
 * make its own, each with a refresh timer (250 timers a second, ~10 % of a client's CPU in a profile).
 */
const scheduler = new IoScheduler();

async function p2pConnection(input: ScaleClientInput, source: string): Promise<void> {
  const socket = await connected(connectSharedBuffer({ host: input.host, port: input.port, localAddress: source }));
  const identity = await generateIdentity({ difficulty: 0, workers: 0 });
  const conn: Connection<RawAppMessage, unknown> = await establish(socket, {
    identity,
    version: announcedVersion(input.chainName),
    metadata: shellConnectionMetadataConfig(),
    incoming: false,
    expectedProofOfWork: 0,
    messageEncoding: benchEncoding,
    scheduler,
    timeoutMs: 60_000,
  });
  open.push(conn);
  void (async () => {
    for (;;) {
      let m;
      try {
        m = await conn.recv();
      } catch {
        return;
      }
      if (m.kind === 'Message')
        delays.push(nowUs() - new DataView(m.message.payload.buffer, m.message.payload.byteOffset, 8).getFloat64(0));
    }
  })();
}

async function rawConnection(input: ScaleClientInput, source: string): Promise<void> {
  const key = Buffer.from(input.rawKey, 'hex');
  const nonce = new Uint8Array(24);
  // What is left of a chunk split across reads: a copy, the read buffer being reused.
  let pending: Buffer = Buffer.alloc(0);
  const onRead = (n: number, buf: Uint8Array): boolean => {
    const d = Buffer.from(buf.buffer, buf.byteOffset, n);
    let data = pending.length === 0 ? d : Buffer.concat([pending, d]);
    while (data.length >= CHUNK_HEADER) {
      const size = CHUNK_HEADER + data.readUInt16BE(0);
      if (data.length < size) break;
      const plain = Buffer.allocUnsafe(size - CHUNK_HEADER - MAC);
      if (!sodium.crypto_secretbox_open_easy(plain, data.subarray(CHUNK_HEADER, size), nonce, key))
        throw new ScaleBenchError('BASELINE_CHUNK_UNREADABLE', 'scale client: a baseline chunk failed to open');
      delays.push(nowUs() - plain.readDoubleBE(input.rawTimestampOffset));
      data = data.subarray(size);
    }
    pending = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
    return true;
  };
  const socket = await connected(
    connect({
      host: input.host,
      port: input.port,
      localAddress: source,
      onread: { buffer: rawReadBuffer, callback: onRead },
    }),
  );
  open.push({ close: () => socket.destroy() });
}

async function start(input: ScaleClientInput): Promise<void> {
  let connected = 0;
  let failed = 0;
  let firstError: string | undefined;
  // A few handshakes in flight at a time: the node's limit on handshakes in progress is the point of
  // another test, not of this one.
  const inFlight = 16;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < input.count) {
        const i = next++;
        const source = input.sources[i % input.sources.length]!;
        try {
          await (input.mode === 'p2p' ? p2pConnection(input, source) : rawConnection(input, source));
          connected++;
        } catch (e) {
          failed++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  send({ type: 'ready', connected, failed, ...(firstError !== undefined ? { firstError } : {}) });
}

process.on('message', (m: { type: 'start'; input: ScaleClientInput } | { type: 'delays' } | { type: 'stop' }) => {
  if (m.type === 'start') void start(m.input);
  else if (m.type === 'delays') send({ type: 'delays', delaysUs: delays.splice(0) });
  else {
    for (const c of open) c.close();
    setTimeout(() => process.exit(0), 100);
  }
});
