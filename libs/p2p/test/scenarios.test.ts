import type { Socket } from 'node:net';
import { connect as tcpConnect } from 'node:net';
import { establish } from '@tezos-p2p/connection';
import { fromHex } from '@tezos-p2p/encoding';
import { p2pMessageEncoding, rawAppMessages, shellConnectionMetadataConfig, pointToString } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { CHAIN, freshHost, identity, nextEvent, nodesStoppedAfterEach, pointOf, until } from './harness.js';
import { internals } from './internals.js';

const node = nodesStoppedAfterEach();

const msg = (tag: number, text: string) => ({ tag, payload: new TextEncoder().encode(text) });

describe('simple: two nodes exchange messages', () => {
  it('connect, send both ways, recvAny, disconnect — with the events Octez logs', async () => {
    const a = await node();
    const b = await node();
    const seenByB: string[] = [];
    b.events$.subscribe((e) => seenByB.push(e.kind));
    const established = nextEvent(b, (e) => e.kind === 'Connection_established');
    const ab = await a.connect(pointOf(b));
    await established;
    const ba = b.findConnection(a.peerId)!;
    expect(ab.peerId).toBe(b.peerId);
    expect(ba.idPoint).toEqual(pointOf(a)); // b learnt a's announced listening port
    expect(a.negotiatedVersion(b.peerId)).toEqual({ chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 });
    await a.send(ab, msg(0x10, 'hello'));
    expect(await b.recv(ba)).toEqual(msg(0x10, 'hello'));
    expect(b.trySend(ba, msg(0x11, 'world'))).toBe(true);
    expect(await a.recvAny()).toEqual({ conn: ab, msg: msg(0x11, 'world') });
    expect(a.broadcast(msg(0x12, 'all'))).toBe(1);
    expect(await b.recv(ba)).toEqual(msg(0x12, 'all'));
    const gone = nextEvent(b, (e) => e.kind === 'Disconnection');
    await a.disconnect(ab, { wait: true });
    await gone;
    expect(seenByB).toEqual([
      'Incoming_connection',
      'New_point',
      'New_peer',
      'Accepting_request',
      'Connection_established',
      'Disconnection',
    ]);
    expect(b.pointInfo(pointOf(a))?.state.kind).toBe('Disconnected');
    expect(b.peerInfo(a.peerId)?.state.kind).toBe('Disconnected');
    expect(a.stat().totalSent).toBeGreaterThan(0);
  });
});

describe('no-common-network', () => {
  it('a chain mismatch is refused by both with a Nack; the point is unregistered, nobody greylisted', async () => {
    const a = await node();
    const b = await node({ chainName: 'ANOTHER_CHAIN' });
    const rejecting = nextEvent(b, (e) => e.kind === 'Rejecting_request');
    await expect(a.connect(pointOf(b))).rejects.toMatchObject({
      code: 'REJECTED_NO_COMMON_PROTOCOL',
      motive: { kind: 'Unknown_chain_name' },
    });
    await rejecting;
    expect(a.pointInfo(pointOf(b))).toBeUndefined();
    expect(a.points.banned(pointOf(b))).toBe(false);
    expect(b.points.banned(pointOf(a))).toBe(false);
  });
});

describe('overcrowded', () => {
  it('a full node answers with a Nack and alternative points; the refused node then connects to one of them', async () => {
    const full = await node({ limits: { minConnections: 1, expectedConnections: 1, maxConnections: 1 } });
    const other = await node();
    await other.connect(pointOf(full));
    await until([full], () => full.connections().length === 1, 10_000, 'full to have its connection');
    // The refused node keeps the maintenance on: it learns `other` from the Nack and dials it.
    const refused = await node({
      limits: { minConnections: 1, expectedConnections: 1, maxConnections: 2, maintenanceIdleTimeMs: 60_000 },
      config: { trustedPoints: [{ point: pointOf(full) }] },
    });
    await until(
      [refused],
      () => refused.findConnection(other.peerId) !== undefined,
      20_000,
      'the refused node to reach the alternative point',
    );
    // Nacked during the Ack phase: a rejected (not a failed) attempt, with the usual back-off.
    expect(refused.pointInfo(pointOf(full))?.lastRejectedConnection?.value).toBe(full.peerId);
    expect(refused.pointInfo(pointOf(full))?.reconnectionTime).toBeDefined();
    expect(full.connections().map((c) => c.peerId)).toEqual([other.peerId]);
  });
});

describe('garbled', () => {
  it('a peer sending garbage after the handshake is greylisted (IP and peer id); good peers carry on', async () => {
    const target = await node();
    const good = await node();
    // A raw client on its own address: a valid handshake, then a message with an unknown tag.
    const badHost = freshHost();
    const badId = await identity();
    const sock: Socket = tcpConnect({ host: pointOf(target).ip, port: pointOf(target).port, localAddress: badHost });
    await new Promise((r) => sock.once('connect', r));
    const conn = await establish(sock, {
      identity: badId,
      version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
      metadata: shellConnectionMetadataConfig(),
      incoming: false,
      listeningPort: 9999,
      expectedProofOfWork: 0,
      messageEncoding: p2pMessageEncoding({ opaque: rawAppMessages }),
    });
    const closed = nextEvent(target, (e) => e.kind === 'Disconnection' && e.peerId === badId.peerId);
    conn.trySendEncoded(fromHex('000000020009')); // tag 0x0009: unassigned, a decoding error
    await closed;
    expect(target.peers.banned(badId.peerId)).toBe(true);
    expect(target.points.banned({ ip: badHost, port: 1 })).toBe(true);
    // The bad host is refused at accept; the good node is not affected.
    const refusedSock = tcpConnect({ host: pointOf(target).ip, port: pointOf(target).port, localAddress: badHost });
    await new Promise((r) => refusedSock.once('close', r));
    const tg = await good.connect(pointOf(target));
    await good.send(tg, { tag: 0x10, payload: new Uint8Array([1]) });
    expect((await target.recvAny()).msg).toEqual({ tag: 0x10, payload: new Uint8Array([1]) });
  });
});

describe('ban', () => {
  it('banning a peer closes its connection and refuses it; unbanning lets it back', async () => {
    const a = await node();
    const b = await node();
    await a.connect(pointOf(b));
    await until([b], () => b.findConnection(a.peerId) !== undefined, 10_000, 'b to see a');
    const gone = nextEvent(b, (e) => e.kind === 'Disconnection');
    b.peers.ban(a.peerId);
    await gone;
    expect(b.peers.banned(a.peerId)).toBe(true);
    await until([a], () => a.connections().length === 0, 10_000, 'a to see the close');
    await expect(a.connect(pointOf(b))).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    b.peers.unban(a.peerId);
    await expect(a.connect(pointOf(b))).resolves.toBeDefined();
  });

  it('banning a point refuses its address at accept and for outgoing connections', async () => {
    const a = await node();
    const b = await node();
    b.points.ban(pointOf(a));
    await expect(b.connect(pointOf(a))).rejects.toMatchObject({ code: 'POINT_BANNED' });
    const incoming = nextEvent(b, (e) => e.kind === 'Incoming_connection');
    await expect(a.connect(pointOf(b))).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await incoming;
    expect(b.connections()).toEqual([]);
  });
});

describe('private mode', () => {
  it('a private node talks only to trusted points and is never advertised', async () => {
    const trusted = await node();
    const priv = await node({ config: { privateMode: true, trustedPoints: [{ point: pointOf(trusted) }] } });
    const stranger = await node();
    // An untrusted node is refused after authentication, without a Nack.
    await expect(stranger.connect(pointOf(priv))).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await expect(priv.connect(pointOf(stranger))).rejects.toMatchObject({ code: 'PRIVATE_MODE' });
    // The trusted point is fine, and it learns that the private node is private.
    await priv.connect(pointOf(trusted));
    await until([trusted], () => trusted.findConnection(priv.peerId) !== undefined, 10_000, 'trusted to see priv');
    expect(trusted.findConnection(priv.peerId)!.privateNode).toBe(true);
    // A third node asking `trusted` for peers never hears of the private node.
    const asker = await node();
    await asker.connect(pointOf(trusted));
    await until([trusted], () => trusted.connections().length === 2, 10_000, 'trusted to have two connections');
    const advertise = nextEvent(trusted, (e) => e.kind === 'Bootstrap_received');
    asker.findConnection(trusted.peerId)!.writeNow({ kind: 'Bootstrap' });
    await advertise;
    const pts = internals(trusted).pool.listKnownPoints({ ignorePrivate: true }).map(pointToString);
    expect(pts).not.toContain(pointToString(pointOf(priv)));
    // The private node ignores advertisements.
    priv.findConnection(trusted.peerId)!.writeNow({ kind: 'Advertise', points: [{ ip: '10.9.9.9', port: 1 }] });
    trusted.findConnection(priv.peerId)!.writeNow({ kind: 'Advertise', points: [{ ip: '10.9.9.9', port: 1 }] });
    await new Promise((r) => setImmediate(r));
    expect(priv.pointInfo({ ip: '10.9.9.9', port: 1 })).toBeUndefined();
  });
});

describe('swap', () => {
  it('A trades its connection to C for one to D; B trades its connection to D for one to C', async () => {
    const [A, B, C, D] = [await node(), await node(), await node(), await node()];
    await A.connect(pointOf(B));
    await A.connect(pointOf(C));
    await B.connect(pointOf(D));
    await until(
      [A, B, C, D],
      () =>
        A.connections().length === 2 &&
        B.connections().length === 2 &&
        C.connections().length === 1 &&
        D.connections().length === 1,
      10_000,
      'the initial topology',
    );
    const bDone = nextEvent(B, (e) => e.kind === 'Swap_success');
    const aDone = nextEvent(A, (e) => e.kind === 'Swap_success');
    // A proposes C to B, as its maintenance would (P2p_maintenance.send_swap_request).
    A.findConnection(B.peerId)!.writeSwapRequest(pointOf(C), C.peerId);
    await Promise.all([bDone, aDone]);
    await until(
      [A, B, C, D],
      () => !A.findConnection(C.peerId) && !B.findConnection(D.peerId),
      10_000,
      'the swapped connections to close',
    );
    expect(
      A.connections()
        .map((c) => c.peerId)
        .sort(),
    ).toEqual([B.peerId, D.peerId].sort());
    expect(
      B.connections()
        .map((c) => c.peerId)
        .sort(),
    ).toEqual([A.peerId, C.peerId].sort());
    // Another request within swap_linger (30 s) is ignored. It comes from C: a second one from A would
    // first wait out the per-connection 60 s throttle, as in Octez.
    await until([C], () => C.findConnection(B.peerId) !== undefined, 10_000, 'C to see B');
    const ignored = nextEvent(B, (e) => e.kind === 'Swap_request_ignored');
    C.findConnection(B.peerId)!.writeSwapRequest(pointOf(A), A.peerId);
    await ignored;
  });
});
