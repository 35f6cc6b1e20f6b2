/**
 * Port of Octez v25.1 `src/lib_p2p/test/test_p2p_connect_handler.ml` (suite "p2p.connect_handler").
 *
 * Octez builds the connect handler on mocked dependencies (`Internal_for_tests.mock_dependencies`:
 * socket connection and authentication that succeed without a peer) and dials `0.0.0.0:0`. Ours has no
 * dependency injection, so the same handler (a fresh pool, scheduler and bus) dials a real peer over
 * loopback TCP: a responder on 127.0.0.1 that completes the handshake with its own identity.
 */
import { type Server, type Socket, connect as tcpConnect, createServer } from 'node:net';
import { IoScheduler, establish } from '@tezos-p2p/connection';
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import { EventBus, systemClock } from '@tezos-p2p/events';
import { Pool } from '@tezos-p2p/pool';
import {
  type RawAppMessage,
  type ShellConnectionMetadata,
  type ShellPeerMetadata,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
  shellPeerMetadataConfig,
} from '@tezos-p2p/wire';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectHandler,
  type ConnectHandlerHooks,
  type P2pConn,
  PrivateAnswerer,
  resolveLimits,
} from '../src/index.js';

const CHAIN = 'TEZOS_OCTEZ_UNIT';
const messageEncoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });
type Handler = ConnectHandler<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;
type Conn = P2pConn<RawAppMessage, ShellConnectionMetadata>;

let ours: Identity;
let theirs: Identity;
beforeAll(async () => {
  ours = await generateIdentity({ difficulty: 0, workers: 0 });
  theirs = await generateIdentity({ difficulty: 0, workers: 0 });
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `Internal_for_tests.create (Make_default_pool ()) (Dependencies …)`, with `authenticationTimeoutMs` as given. */
function create(
  hooks: ConnectHandlerHooks<RawAppMessage, ShellConnectionMetadata> = {},
  authenticationTimeoutMs = 5000,
): Handler {
  const bus = new EventBus();
  const pool = new Pool<Conn, ShellPeerMetadata, ShellConnectionMetadata>({
    peerId: ours.peerId,
    peerMetadata: shellPeerMetadataConfig,
    bus,
    clock: systemClock,
    peersFileSaveIntervalMs: null,
  });
  const scheduler = new IoScheduler();
  const handler: Handler = new ConnectHandler(
    {
      identity: ours,
      versions: { chainName: CHAIN, distributedDbVersions: [2], p2pVersions: [1] },
      advertisedPort: () => undefined,
      expectedProofOfWork: 0,
      connectionMetadata: shellConnectionMetadataConfig(),
      messageEncoding,
      limits: resolveLimits({ authenticationTimeoutMs, maintenanceIdleTimeMs: null }),
      privateMode: false,
      disablePeerDiscovery: false,
    },
    pool,
    scheduler,
    bus,
    systemClock,
    hooks,
  );
  handler.setAnswerer(new PrivateAnswerer());
  cleanups.push(async () => {
    scheduler.stop();
    await pool.stop();
  });
  return handler;
}

/** A peer on 127.0.0.1 that completes every handshake (the mocked `socket_connect` + `authenticate`). */
async function responder(): Promise<{ ip: string; port: number }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    establish(s, {
      identity: theirs,
      version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
      listeningPort: 19732,
      expectedProofOfWork: 0,
      metadata: shellConnectionMetadataConfig(),
      incoming: true,
      messageEncoding,
    }).catch(() => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { ip: '127.0.0.1', port: (server.address() as { port: number }).port };
}

describe('test_p2p_connect_handler.ml (p2p.connect_handler)', () => {
  it('test_p2p_connect_handler: Connect then destroy — connect succeeds, destroy completes', async () => {
    const t = create();
    const point = await responder();
    const conn = await t.connect(point);
    expect(conn.peerId).toBe(theirs.peerId);
    t.stop();
    // (Beyond Octez: a destroyed handler dials no more.)
    await expect(t.connect(point)).rejects.toMatchObject({ code: 'P2P_SHUT_DOWN' });
    await conn.disconnect({ kind: 'User', message: 'test shutdown' });
  });

  it("test_p2p_connect_handler: Don't remove incoming connections too early — an accepted socket counts as incoming while its authentication hangs", async () => {
    const t = create({}, 5000);
    // A socket whose peer never speaks: authentication hangs (Octez's `socket_accept_hanging_forever`).
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const silent = tcpConnect((server.address() as { port: number }).port, '127.0.0.1');
    silent.on('error', () => undefined);
    const fd = await accepted;
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          silent.destroy();
          fd.destroy();
          server.close(() => r());
        }),
    );
    expect(t.pendingIncoming, 'Before accepting, no incoming connection').toBe(0);
    t.accept(fd);
    expect(t.pendingIncoming, 'After first accept, 1 incoming connection').toBe(1);
    t.stop();
  });

  it('test_p2p_connect_handler: on_new_connection hook is triggered on new connection — and on_disconnection on disconnection, neither after destroy', async () => {
    let numConnect = 0;
    let numDisconnect = 0;
    const t = create({ onNewConnection: () => numConnect++, onDisconnection: () => numDisconnect++ });
    const point = await responder();
    expect(numConnect, 'Before any connection, on_new_connection is never called').toBe(0);
    expect(numDisconnect, 'Before any connection, on_disconnection is never called').toBe(0);
    const conn = await t.connect(point);
    expect(numConnect, 'After connect, on_new_connection called').toBe(1);
    expect(numDisconnect, 'After connect, on_disconnection is not called').toBe(0);
    await conn.disconnect({ kind: 'User', message: 'explicit disconnect' }, { wait: true });
    expect(numConnect, 'After disconnect, on_new_connection is not called').toBe(1);
    expect(numDisconnect, 'After disconnect, on_disconnection is called').toBe(1);
    t.stop();
    expect(numConnect, 'After destruction, no new call to on_new_connection').toBe(1);
    expect(numDisconnect, 'After destruction, no new call to on_disconnection').toBe(1);
  });
});
