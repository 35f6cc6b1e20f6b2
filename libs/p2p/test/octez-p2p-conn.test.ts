/**
 * Port of Octez's `src/lib_p2p/tezt/test_p2p_conn.ml` (P2p_conn). Octez mocks the socket and pushes
 * messages into the connection's reader pipe; here a raw peer (the connection lib's handshake) sends
 * them over real loopback TCP to a node whose peer discovery is disabled, and the node's `P2pConn`
 * (libs/workers) must deliver the application message behind them.
 */
import { type Connection, establish } from '@tezos-p2p/connection';
import {
  type RawAppMessage,
  type ShellConnectionMetadata,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { CHAIN, identity, nodesStoppedAfterEach, pointOf, until } from './harness.js';
import { clientHost, dialFrom } from './raw-client.js';

const node = nodesStoppedAfterEach();

describe('src/lib_p2p/tezt/test_p2p_conn.ml', () => {
  it('p2p msg consumption without peer_discovery: after a Bootstrap and an Advertise, which it ignores, the connection delivers the next message', async () => {
    const n = await node({ config: { disablePeerDiscovery: true } });
    const me = await identity();
    const raw = await dialFrom(n, clientHost());
    const conn: Connection<RawAppMessage, ShellConnectionMetadata> = await establish(raw.socket, {
      identity: me,
      version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
      expectedProofOfWork: 0,
      metadata: shellConnectionMetadataConfig(),
      incoming: false,
      remote: pointOf(n),
      accepted: { chainName: CHAIN, distributedDbVersions: [0, 1, 2], p2pVersions: [0, 1] },
      messageEncoding: p2pMessageEncoding({ opaque: rawAppMessages }),
      timeoutMs: 10_000,
    });
    await until([n], () => n.findConnection(me.peerId) !== undefined, 20_000, 'the node to run the connection');
    const theirs = n.findConnection(me.peerId)!;
    const message: RawAppMessage = { tag: 0x10, payload: Uint8Array.of(1, 2, 3) };
    await conn.send({ kind: 'Bootstrap' });
    await conn.send({ kind: 'Advertise', points: [] });
    await conn.send({ kind: 'Message', message });
    // Reading must not hang: the message is retrieved (Octez: within 1 s; here the test's own timeout).
    expect(await n.recv(theirs)).toEqual(message);
    expect(theirs.isClosed).toBe(false);
    await conn.disconnect({ wait: true });
  });
});
