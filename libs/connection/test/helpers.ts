import { createServer, connect, type Socket } from 'node:net';
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import { type RawAppMessage, p2pMessageEncoding, rawAppMessages, shellConnectionMetadataConfig, type ShellConnectionMetadata } from '@tezos-p2p/wire';
import type { ByteStream, HandshakeOptions } from '../src/index.js';

export const rawEncoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });
export const CHAIN = 'TEZOS_TEST_CHAIN';

export async function makeIdentity(difficulty = 0): Promise<Identity> {
  return generateIdentity({ difficulty, workers: 0 });
}

export function options(identity: Identity, incoming: boolean, extra: Partial<HandshakeOptions<ShellConnectionMetadata>> = {}): HandshakeOptions<ShellConnectionMetadata> {
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
