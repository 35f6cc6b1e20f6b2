import { connect } from 'node:net';
import { type Connection, establish } from '@tezos-p2p/connection';
import { generateIdentity } from '@tezos-p2p/crypto';
import { type RawAppMessage, p2pMessageEncoding, rawAppMessages, shellConnectionMetadataConfig } from '@tezos-p2p/wire';
import type { NodeP2p } from '../src/rpc/index.js';
import { TEST_CHAIN } from './loopback-nodes.js';

export type PeerConn = Connection<RawAppMessage>;
export const encoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });

/**
 * An authenticated peer of `node` over TCP from the address `from`. `readQueueSize: 1` makes a peer
 * that does not read: its connection stops reading from the socket after one message.
 */
export async function peerOf(
  node: NodeP2p,
  host: string,
  from: string,
  opts: { readQueueSize?: number } = {},
): Promise<PeerConn> {
  const socket = connect({ host, port: node.listeningPort!, localAddress: from });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => undefined);
  return (await establish(socket, {
    identity: await generateIdentity({ difficulty: 0, workers: 0 }),
    version: { chainName: TEST_CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
    metadata: shellConnectionMetadataConfig(),
    incoming: false,
    expectedProofOfWork: 0,
    messageEncoding: encoding,
    timeoutMs: 10_000,
    ...(opts.readQueueSize !== undefined ? { readQueueSize: opts.readQueueSize } : {}),
  })) as PeerConn;
}

/** Polls `check` every 10 ms, at most `tries` times (a bound on the wait, not a measured delay). */
export async function waitFor(check: () => boolean, what: string | (() => string), tries = 1500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${typeof what === 'function' ? what() : what}`);
}

/** One echo round trip of a small message with a marker byte. */
export async function roundTrip(peer: PeerConn, marker: number): Promise<void> {
  const payload = new Uint8Array(1000).fill(marker);
  await peer.send({ kind: 'Message', message: { tag: 0x10, payload } });
  for (;;) {
    const m = await peer.recv();
    if (m.kind !== 'Message') continue;
    if (m.message.payload.length !== 1000 || m.message.payload[0] !== marker)
      throw new Error(`unexpected echo (${m.message.payload.length} bytes, first ${m.message.payload[0]})`);
    return;
  }
}
