/**
 * `disable_peer_discovery` (Octez's tezt `p2p-peer-discovery-disable`): such a node never writes a
 * Bootstrap (`P2p_conn.write_bootstrap`), ignores the Bootstraps and Advertises it receives
 * (`P2p_conn` loop), and offers no points in its Nacks (`P2p_connect_handler`). Checked on the wire,
 * through each node's session tap, between two real nodes over loopback: the other node, with
 * discovery on, does send Bootstraps, so the same check would see one from a node that wrongly did.
 */
import { decode } from '@tezos-p2p/encoding';
import type { P2pEvent } from '@tezos-p2p/events';
import { type P2pMessageKind, type Point, p2pMessageEncoding, rawAppMessages } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import type { SessionTap } from '../src/index.js';
import { type Node, nextEvent, nodesStoppedAfterEach, pointOf } from './harness.js';
import { internals } from './internals.js';

const node = nodesStoppedAfterEach();
const encoding = p2pMessageEncoding({ opaque: rawAppMessages });

/** The P2P messages of every tapped session, by direction: chunks from index 2 (after Metadata and Ack), one message each. */
function messageTap(): { factory: () => SessionTap; kinds: Record<'sent' | 'received', P2pMessageKind[]> } {
  const kinds = { sent: [] as P2pMessageKind[], received: [] as P2pMessageKind[] };
  return {
    kinds,
    factory: () => ({
      connectionMessages: () => undefined,
      keys: () => undefined,
      chunk: (c) => {
        if (c.index >= 2 && c.plaintext !== undefined) kinds[c.direction].push(decode(encoding, c.plaintext).kind);
      },
      end: () => undefined,
    }),
  };
}

/** Below its low threshold, so every maintenance step asks its peers for more (`ask_for_more_contacts`). */
const starved = { maintenanceIdleTimeMs: 60_000, minConnections: 2, expectedConnections: 2, maxConnections: 4 };

const marker = { tag: 0x10, payload: Uint8Array.of(0x42) };

const bootstrapSentTo = (n: Node) => (e: P2pEvent) => e.kind === 'Bootstrap_sent' && e.source === n.peerId;

describe('disable_peer_discovery', () => {
  it('a node with discovery disabled never writes a Bootstrap nor answers one; its peer with discovery on does send them', async () => {
    const tapOff = messageTap();
    const tapOn = messageTap();
    const off = await node({ config: { disablePeerDiscovery: true, sessionTap: tapOff.factory }, limits: starved });
    const on = await node({ config: { sessionTap: tapOn.factory }, limits: starved });
    const offAsked = nextEvent(off, bootstrapSentTo(on));
    const onAsked = nextEvent(on, bootstrapSentTo(off));
    const offSaw: P2pEvent['kind'][] = [];
    off.events$.subscribe((e) => offSaw.push(e.kind));
    const offToOn = await off.connect(pointOf(on));
    // Both maintenances have run `ask_for_more_contacts` with the connection up (Octez logs
    // Bootstrap_sent even when `write_bootstrap` wrote nothing).
    await Promise.all([offAsked, onAsked]);
    // A message queued behind whatever each wrote: once it is read, everything before it was too.
    await off.send(offToOn, marker);
    const onToOff = on.findConnection(off.peerId)!;
    expect(await on.recv(onToOff)).toEqual(marker);
    await on.send(onToOff, marker);
    expect(await off.recv(offToOn)).toEqual(marker);

    expect(tapOff.kinds.sent).toEqual(['Message']);
    expect(tapOn.kinds.received).toEqual(['Message']);
    expect(tapOn.kinds.sent).toContain('Bootstrap');
    expect(tapOff.kinds.received).toContain('Bootstrap');
    // The Bootstraps it received went unanswered and unlogged.
    expect(tapOff.kinds.sent).not.toContain('Advertise');
    expect(offSaw).not.toContain('Bootstrap_received');
  });

  it('its Nacks carry no points, where a node with discovery on offers the points it knows', async () => {
    const full = { minConnections: 0, expectedConnections: 0, maxConnections: 0 };
    const known: Point[] = Array.from({ length: 5 }, (_, i) => ({ ip: `198.51.100.${i + 1}`, port: 9732 }));
    const refuser = async (disablePeerDiscovery: boolean) => {
      const n = await node({ config: { disablePeerDiscovery }, limits: full });
      for (const p of known) internals(n).pool.registerPoint(p).setPrivate(false);
      return n;
    };
    const dialler = await node();
    const offered = async (disabled: boolean): Promise<readonly Point[]> => {
      const err = await dialler.connect(pointOf(await refuser(disabled))).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'REJECTED_BY_NACK', motive: { kind: 'Too_many_connections' } });
      return (err as { alternativePoints: readonly Point[] }).alternativePoints;
    };
    expect(await offered(true)).toEqual([]);
    // (With discovery on, the dialler's own point is offered too: Octez marks it public before refusing.)
    expect(await offered(false)).toEqual(expect.arrayContaining(known));
  });
});
