/**
 * A client process of the scale benchmark: opens `count` connections to the node under test from its
 * own 127.0.x.y source addresses (authenticated P2P connections, or plain TCP for the baseline),
 * keeps them idle, and records the delivery delay of every broadcast message it receives. The first
 * 8 bytes of a broadcast payload are the send time (µs since the epoch, float64), comparable across
 * processes of one host.
 */
import { type Socket, connect } from 'node:net';
import { type Connection, establish } from '@tezos-p2p/connection';
import { generateIdentity } from '@tezos-p2p/crypto';
import {
  announcedVersion,
  type RawAppMessage,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';

export interface ScaleClientInput {
  readonly mode: 'p2p' | 'raw';
  readonly host: string;
  readonly port: number;
  readonly chainName: string;
  readonly count: number;
  readonly sources: readonly string[];
  /** Raw mode: bytes per broadcast message. */
  readonly messageSize: number;
}

export type ScaleClientMessage =
  | { readonly type: 'ready'; readonly connected: number; readonly failed: number; readonly firstError?: string }
  | { readonly type: 'delays'; readonly delaysUs: number[] };

const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const encoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });
const delays: number[] = [];
const open: { close(): void }[] = [];

function send(m: ScaleClientMessage): void {
  process.send!(m);
}

function tcp(input: ScaleClientInput, source: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: input.host, port: input.port, localAddress: source });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

async function p2pConnection(input: ScaleClientInput, source: string): Promise<void> {
  const socket = await tcp(input, source);
  const identity = await generateIdentity({ difficulty: 0, workers: 0 });
  const conn: Connection<RawAppMessage, unknown> = await establish(socket, {
    identity,
    version: announcedVersion(input.chainName),
    metadata: shellConnectionMetadataConfig(),
    incoming: false,
    expectedProofOfWork: 0,
    messageEncoding: encoding,
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
  const socket = await tcp(input, source);
  open.push({ close: () => socket.destroy() });
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    pending = pending.length === 0 ? d : Buffer.concat([pending, d]);
    while (pending.length >= input.messageSize) {
      delays.push(nowUs() - pending.readDoubleBE(0));
      pending = pending.subarray(input.messageSize);
    }
  });
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
