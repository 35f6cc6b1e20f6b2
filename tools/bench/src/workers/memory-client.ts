/**
 * A client process of the memory benchmark: opens `count` authenticated connections to the node
 * under test from its own 127.0.x.y source addresses and never reads from them. On `flood`, every connection sends the same message — one
 * buffer for the whole process, so a client holds one copy however many connections send it — as
 * many times as the node lets it.
 */
import { type Socket, connect } from 'node:net';
import { type Connection, establish } from '@tezos-p2p/connection';
import { encode } from '@tezos-p2p/encoding';
import { generateIdentity } from '@tezos-p2p/crypto';
import { announcedVersion, type RawAppMessage, shellConnectionMetadataConfig } from '@tezos-p2p/wire';
import { benchEncoding } from '../bench-connection.js';

export interface MemoryClientInput {
  readonly host: string;
  readonly port: number;
  readonly chainName: string;
  readonly count: number;
  readonly sources: readonly string[];
}

export type MemoryClientCommand =
  | { readonly type: 'start'; readonly input: MemoryClientInput }
  /** Each connection sends `count` messages of `size` bytes (4-byte size prefix included). */
  | { readonly type: 'flood'; readonly size: number; readonly count: number }
  | { readonly type: 'stop' };

export type MemoryClientMessage = {
  readonly type: 'ready';
  readonly connected: number;
  readonly failed: number;
  readonly firstError?: string;
};

const open: Connection<RawAppMessage, unknown>[] = [];

function tcp(input: MemoryClientInput, source: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: input.host, port: input.port, localAddress: source });
    s.once('connect', () => {
      s.on('error', () => undefined);
      resolve(s);
    });
    s.once('error', reject);
  });
}

async function connection(input: MemoryClientInput, source: string): Promise<void> {
  const socket = await tcp(input, source);
  const conn: Connection<RawAppMessage, unknown> = await establish(socket, {
    identity: await generateIdentity({ difficulty: 0, workers: 0 }),
    version: announcedVersion(input.chainName),
    metadata: shellConnectionMetadataConfig(),
    incoming: false,
    expectedProofOfWork: 0,
    messageEncoding: benchEncoding,
    timeoutMs: 60_000,
    // Never read: with no room for a single decoded message, the socket stays paused after the handshake.
    readQueueSize: 0,
  });
  open.push(conn);
}

async function start(input: MemoryClientInput): Promise<void> {
  let connected = 0;
  let failed = 0;
  let firstError: string | undefined;
  // 4 handshakes in flight, each from another source address: the node's per-address limit on
  // pending handshakes is another benchmark's business.
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < input.count) {
        const i = next++;
        try {
          await connection(input, input.sources[i % input.sources.length]!);
          connected++;
        } catch (e) {
          failed++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  process.send!({
    type: 'ready',
    connected,
    failed,
    ...(firstError !== undefined ? { firstError } : {}),
  } satisfies MemoryClientMessage);
}

function flood(size: number, count: number): void {
  const frame = encode(benchEncoding, { kind: 'Message', message: { tag: 0x10, payload: new Uint8Array(size - 6) } });
  for (const conn of open) {
    void (async () => {
      for (let i = 0; i < count; i++) await conn.sendEncoded(frame);
    })().catch(() => undefined);
  }
}

process.on('message', (m: MemoryClientCommand) => {
  if (m.type === 'start') void start(m.input);
  else if (m.type === 'flood') flood(m.size, m.count);
  else {
    for (const c of open) c.close();
    setTimeout(() => process.exit(0), 100);
  }
});
