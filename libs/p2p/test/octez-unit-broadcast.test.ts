/**
 * Port of Octez v25.1 `src/lib_p2p/test/test_p2p_broadcast.ml` (suite "p2p-broadcast").
 *
 * Octez: 3 nodes (one process each, real sockets); node 0 connects to the two others, then 5 times
 * broadcasts (`P2p.Internal_for_tests.raw_broadcast` over its peer table) a `BigPing` of 1000 operation
 * hashes and every other node reads one message from each of its connections and checks it equals
 * the reference (`message_is_ok`), the nodes meeting (`Node.sync`) between steps; finally node 0 closes
 * every connection. Ours: 3 nodes of this library in one process over loopback, `P2p.broadcast` of
 * a raw application message whose payload is the 1000 32-byte hashes (Octez's `BigPing`), the
 * barriers being the awaits of this single test.
 */
import { randomBytes } from 'node:crypto';
import type { RawAppMessage } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { type Node, nodesStoppedAfterEach, pointOf, until } from './harness.js';

const node = nodesStoppedAfterEach();
const REPEAT = 5;
const NB_OPH = 1000;
const BIG_PING = 0x10;

describe('test_p2p_broadcast.ml (p2p-broadcast)', () => {
  it('test_p2p_broadcast: simple — 5 broadcasts of a 1000-hash BigPing reach each other node intact', async () => {
    // Precomputed for every iteration (`0 -- repeat`: one more than used, as Octez).
    const msgs: RawAppMessage[] = Array.from({ length: REPEAT + 1 }, () => ({
      tag: BIG_PING,
      payload: new Uint8Array(randomBytes(32 * NB_OPH)),
    }));
    const [broadcaster, ...others] = [await node(), await node(), await node()] as [Node, Node, Node];
    await Promise.all(others.map((o) => broadcaster.connect(pointOf(o), { timeoutMs: 2000 })));
    await until(
      [broadcaster, ...others],
      () => others.every((o) => o.connections().length === 1),
      10_000,
      'both nodes to see the broadcaster',
    );
    for (const refMsg of msgs.slice(0, REPEAT)) {
      expect(broadcaster.broadcast(refMsg)).toBe(others.length);
      // Every other node reads one message from each of its connections.
      for (const o of others) {
        for (const conn of o.connections()) {
          const m = await o.recv(conn);
          expect(m.tag).toBe(BIG_PING);
          expect(Buffer.from(m.payload).equals(Buffer.from(refMsg.payload))).toBe(true);
        }
      }
    }
    await Promise.all(broadcaster.connections().map((c) => broadcaster.disconnect(c, { reason: 'test shutdown' })));
    expect(broadcaster.connections()).toEqual([]);
  });
});
