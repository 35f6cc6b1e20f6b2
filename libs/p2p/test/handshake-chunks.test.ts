/**
 * A node configured with small chunks (`--binary-chunks-size 1`, 1 KiB) still writes its handshake
 * Nack as one chunk, as an Octez initiator reads it (`P2p_socket.Ack.read`: one chunk): the 50
 * points its connect handler offers take more than one 1 KiB chunk.
 */
import type { Point } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { identity, nodesStoppedAfterEach } from './harness.js';
import { clientHost, dialFrom, handshakeFrom } from './raw-client.js';
import { internals } from './internals.js';

const node = nodesStoppedAfterEach();

describe('handshake chunks of a running node', () => {
  it('under 1 KiB chunks, a full node Nacks with its 50 points in one chunk, which an initiator decodes whole', async () => {
    const full = await node({
      limits: { minConnections: 0, expectedConnections: 0, maxConnections: 0, binaryChunksSize: 1024 },
    });
    // 22 bytes each on the wire: 50 of them (1100 bytes) need two 1 KiB chunks if split. Exactly 50
    // known points (the raw client announces no port, so it adds none): all of them are offered.
    const known: Point[] = Array.from({ length: 50 }, (_, i) => ({ ip: `192.168.100.${100 + i}`, port: 9732 }));
    for (const p of known) internals(full).pool.registerPoint(p).setPrivate(false);
    const raw = await dialFrom(full, clientHost());
    const authed = await handshakeFrom(raw, full, await identity());
    const refusal = await authed.accept({ messageEncoding: full.messageEncoding }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refusal).toMatchObject({ code: 'REJECTED_BY_NACK', motive: { kind: 'Too_many_connections' } });
    const offered = (refusal as { alternativePoints: readonly Point[] }).alternativePoints;
    expect(offered).toHaveLength(50);
    expect(offered).toEqual(expect.arrayContaining(known));
    await raw.closed;
  });
});
