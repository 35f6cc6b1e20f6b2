import { createServer, connect, type Socket } from 'node:net';
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import {
  type RawAppMessage,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
  type ShellConnectionMetadata,
} from '@tezos-p2p/wire';
import type { ByteStream, HandshakeOptions, SessionTap, SessionTapHook } from '../src/index.js';

export const rawEncoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });
export const CHAIN = 'TEZOS_TEST_CHAIN';

export async function makeIdentity(difficulty = 0): Promise<Identity> {
  return generateIdentity({ difficulty, workers: 0 });
}

export function options(
  identity: Identity,
  incoming: boolean,
  extra: Partial<HandshakeOptions<ShellConnectionMetadata>> = {},
): HandshakeOptions<ShellConnectionMetadata> {
  return {
    identity,
    version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
    listeningPort: incoming ? 19732 : 29732,
    expectedProofOfWork: 0,
    metadata: shellConnectionMetadataConfig(),
    incoming,
    timeoutMs: 3000,
    ...extra,
  };
}

/** A real TCP connection over loopback: [client side, server side]. */
export async function tcpPair(host = '127.0.0.1'): Promise<[Socket, Socket, () => Promise<void>]> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const client = connect(port, host);
  await new Promise<void>((r, j) => client.once('connect', r).once('error', j));
  const srv = await accepted;
  return [client, srv, () => new Promise<void>((r) => server.close(() => r()))];
}

/** Resolves when the stream is fully closed (both directions). */
export function closedOf(s: ByteStream): Promise<void> {
  if (s.destroyed) return Promise.resolve();
  return new Promise((r) => s.once('close', () => r()));
}

export async function readBytes(s: ByteStream, n: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const b = s.read(Math.min(n - got, s.readableLength || 1)) as Buffer | null;
    if (b) {
      parts.push(b);
      got += b.length;
      continue;
    }
    if (s.readableEnded || s.destroyed) throw new Error(`stream ended after ${got} of ${n} bytes`);
    await new Promise((r) => s.once('readable', r));
  }
  return new Uint8Array(Buffer.concat(parts));
}

export interface TappedChunk {
  readonly direction: 'sent' | 'received';
  readonly index: number;
  readonly nonce: Uint8Array;
  readonly wire: Uint8Array;
  readonly plaintext: Uint8Array | undefined;
}

/** Everything a `recordingTap` saw, copied. */
export interface Recording {
  readonly calls: SessionTapHook[];
  messages?: { incoming: boolean; sent: Uint8Array; received: Uint8Array };
  keys?: { channelKey: Uint8Array; localNonce: Uint8Array; remoteNonce: Uint8Array };
  readonly sent: TappedChunk[];
  readonly received: TappedChunk[];
  readonly ends: { reason: string; code?: string }[];
  readonly errors: { error: unknown; hook: SessionTapHook }[];
  /** Resolves at the first `end`. */
  readonly ended: Promise<void>;
}

/** A tap that copies everything it is shown; `throwIn` lists hooks that throw after recording. */
export function recordingTap(opts: { throwIn?: readonly SessionTapHook[] } = {}): { tap: SessionTap; rec: Recording } {
  let resolveEnded!: () => void;
  const rec: Recording = {
    calls: [],
    sent: [],
    received: [],
    ends: [],
    errors: [],
    ended: new Promise<void>((r) => (resolveEnded = r)),
  };
  const maybeThrow = (hook: SessionTapHook) => {
    rec.calls.push(hook);
    if (opts.throwIn?.includes(hook)) throw new Error(`tap failure in ${hook}`);
  };
  const tap: SessionTap = {
    connectionMessages: (m) => {
      rec.messages = { incoming: m.incoming, sent: Uint8Array.from(m.sent), received: Uint8Array.from(m.received) };
      maybeThrow('connectionMessages');
    },
    keys: (k) => {
      rec.keys = {
        channelKey: Uint8Array.from(k.channelKey),
        localNonce: Uint8Array.from(k.localNonce),
        remoteNonce: Uint8Array.from(k.remoteNonce),
      };
      maybeThrow('keys');
    },
    chunk: (c) => {
      (c.direction === 'sent' ? rec.sent : rec.received).push({
        direction: c.direction,
        index: c.index,
        nonce: Uint8Array.from(c.nonce),
        wire: Uint8Array.from(c.wire),
        plaintext: c.plaintext && Uint8Array.from(c.plaintext),
      });
      maybeThrow('chunk');
    },
    end: (e) => {
      rec.ends.push({ ...e });
      resolveEnded();
      maybeThrow('end');
    },
    onTapError: (error, hook) => {
      rec.errors.push({ error, hook });
    },
  };
  return { tap, rec };
}

/** One event-loop turn. */
export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Ticks until `check()` holds, at most `turns` event-loop turns (no timing involved). */
export async function until(check: () => boolean, what: string, turns = 5000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (check()) return;
    await tick();
  }
  throw new Error(`not reached after ${turns} turns: ${what}`);
}
