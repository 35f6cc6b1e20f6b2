import { createServer, connect } from 'node:net';
import { decode, fromHex } from '@tezos-p2p/encoding';
import { ackEncoding } from '@tezos-p2p/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@tezos-p2p/crypto';
import type { ConnectionError } from '../src/index.js';
import { authenticate, establish } from '../src/index.js';
import { CHAIN, closedOf, makeIdentity, options, rawEncoding, tcpPair } from './helpers.js';

let alice: Identity;
let bob: Identity;
beforeAll(async () => {
  alice = await makeIdentity();
  bob = await makeIdentity();
});

function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ConnectionError }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: ConnectionError) => ({ ok: false as const, error }),
  );
}

describe('handshakes over real loopback TCP, both sides ours', () => {
  it.each(['127.0.0.1', '::1'])(
    'happy path in both roles over %s: info, messages both ways, clean close',
    async (host) => {
      const [client, server, stop] = await tcpPair(host);
      const [c, s] = await Promise.all([
        establish(client, {
          ...options(alice, false, { remote: { ip: host, port: 19732 } }),
          messageEncoding: rawEncoding,
        }),
        establish(server, { ...options(bob, true), messageEncoding: rawEncoding }),
      ]);
      expect(c.info.peerId).toBe(bob.peerId);
      expect(s.info.peerId).toBe(alice.peerId);
      expect(c.info.incoming).toBe(false);
      expect(s.info.incoming).toBe(true);
      expect(c.info.idPoint).toEqual({ ip: host, port: 19732 });
      expect(s.info.idPoint.port).toBe(29732); // announced by the initiator
      expect(s.info.remoteSocketPort).toBe(client.localPort);
      expect(c.negotiatedVersion).toEqual({ chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 });
      await c.send({ kind: 'Bootstrap' });
      await s.send({ kind: 'Advertise', points: [{ ip: '10.0.0.1', port: 9732 }] });
      const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
      await c.send({ kind: 'Message', message: { tag: 0x10, payload: big } });
      expect(await s.recv()).toEqual({ kind: 'Bootstrap' });
      expect(await c.recv()).toEqual({ kind: 'Advertise', points: [{ ip: '10.0.0.1', port: 9732 }] });
      const m = await s.recv();
      // (Buffer comparison: vitest's deep equality walks a 1 MiB array element by element, for seconds.)
      expect(m.kind === 'Message' && Buffer.from(m.message.payload).equals(Buffer.from(big))).toBe(true);
      expect(c.stat().messagesSent).toBe(2);
      expect(s.stat().bytesReceived).toBeGreaterThan(1 << 20);
      await c.disconnect({ wait: true });
      await expect(s.closed).resolves.toEqual({ kind: 'Connection_closed_by_peer' });
      await Promise.all([closedOf(client), closedOf(server)]);
      await stop();
    },
  );

  it('wrong chain name: the checking side Nacks with Unknown_chain_name; the peer gets REJECTED_BY_NACK with the motive', async () => {
    const [client, server, stop] = await tcpPair();
    const alternative = [{ ip: '192.0.2.1', port: 9732 }];
    const [c, s] = await Promise.all([
      settle(
        establish(client, { ...options(alice, false), alternativePoints: alternative, messageEncoding: rawEncoding }),
      ),
      // The responder runs an older, permissive policy: it accepts any chain, so it reads the Nack.
      settle(
        authenticate(
          server,
          options(bob, true, { version: { chainName: 'OTHER_CHAIN', distributedDbVersion: 2, p2pVersion: 1 } }),
        ).then((a) => a.accept({ messageEncoding: rawEncoding })),
      ),
    ]);
    expect(c.ok).toBe(false);
    expect(!c.ok && c.error.code).toBe('REJECTED_NO_COMMON_PROTOCOL');
    expect(!c.ok && c.error.motive).toEqual({ kind: 'Unknown_chain_name' });
    expect(s.ok).toBe(false);
    expect(!s.ok && s.error.code).toBe('REJECTED_BY_NACK');
    expect(!s.ok && s.error.motive).toEqual({ kind: 'Unknown_chain_name' });
    expect(!s.ok && s.error.alternativePoints).toEqual(alternative);
    expect(!s.ok && s.error.peerId).toBe(alice.peerId);
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });

  it('both sides on different chains: each Nacks, each fails with REJECTED_NO_COMMON_PROTOCOL', async () => {
    const [client, server, stop] = await tcpPair();
    const [c, s] = await Promise.all([
      settle(establish(client, { ...options(alice, false), messageEncoding: rawEncoding })),
      settle(
        establish(server, {
          ...options(bob, true, { version: { chainName: 'OTHER', distributedDbVersion: 2, p2pVersion: 1 } }),
          messageEncoding: rawEncoding,
        }),
      ),
    ]);
    expect([c.ok || c.error.code, s.ok || s.error.code]).toEqual([
      'REJECTED_NO_COMMON_PROTOCOL',
      'REJECTED_NO_COMMON_PROTOCOL',
    ]);
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });

  it('insufficient proof of work: the checking side fails NOT_ENOUGH_PROOF_OF_WORK (IP greylisted); the peer sees the socket closed', async () => {
    const [client, server, stop] = await tcpPair();
    const [c, s] = await Promise.all([
      settle(authenticate(client, options(alice, false))),
      settle(authenticate(server, options(bob, true, { expectedProofOfWork: 40 }))),
    ]);
    expect(!s.ok && s.error.code).toBe('NOT_ENOUGH_PROOF_OF_WORK');
    expect(!s.ok && s.error.greylistsAddress).toBe(true);
    expect(!s.ok && s.error.peerId).toBe(alice.peerId);
    expect(!c.ok && c.error.code).toBe('CONNECTION_CLOSED');
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });

  it('connecting to ourselves: both ends fail with MYSELF after the metadata exchange', async () => {
    const [client, server, stop] = await tcpPair();
    const [c, s] = await Promise.all([
      settle(authenticate(client, options(alice, false))),
      settle(authenticate(server, options(alice, true))),
    ]);
    expect(!c.ok && c.error.code).toBe('MYSELF');
    expect(!s.ok && s.error.code).toBe('MYSELF');
    expect(!c.ok && c.error.greylistsAddress).toBe(false);
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });

  it('a corrupted MAC (flipped by a man in the middle) is DECIPHER_ERROR on the receiving side', async () => {
    // A TCP proxy that flips one byte of the client's first encrypted chunk (its Metadata).
    const [relayClient, relayServer, stopInner] = await tcpPair();
    const proxy = createServer((down) => {
      let seen = 0;
      down.on('data', (d: Buffer) => {
        const b = Buffer.from(d);
        const target = 0x67 + 2 + 5; // inside the Metadata chunk after a 105-byte connection message
        if (seen <= target && target < seen + b.length) b[target - seen]! ^= 0x01;
        seen += b.length;
        relayClient.write(b);
      });
      relayClient.on('data', (d) => down.write(d));
      down.on('close', () => relayClient.destroy());
      relayClient.on('close', () => down.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const client = connect((proxy.address() as { port: number }).port, '127.0.0.1');
    await new Promise((r) => client.once('connect', r));
    const [c, s] = await Promise.all([
      settle(
        authenticate(
          client,
          options(alice, false, { version: { chainName: 'TEZOS_MAINNET', distributedDbVersion: 2, p2pVersion: 1 } }),
        ),
      ),
      settle(
        authenticate(
          relayServer,
          options(bob, true, { version: { chainName: 'TEZOS_MAINNET', distributedDbVersion: 2, p2pVersion: 1 } }),
        ),
      ),
    ]);
    expect(!s.ok && s.error.code).toBe('DECIPHER_ERROR');
    expect(!s.ok && s.error.greylistsAddress).toBe(true);
    // The client got the server's (intact) metadata first; it learns of the failure at its Ack.
    expect(c.ok).toBe(true);
    await expect(c.ok && c.value.accept({ messageEncoding: rawEncoding })).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
    });
    await Promise.all([closedOf(client), closedOf(relayServer)]);
    await new Promise<void>((r) => proxy.close(() => r()));
    await stopInner();
  });

  it('a message size far beyond any limit fails at once with MESSAGE_TOO_LARGE; the sender sees the connection closed', async () => {
    const [client, server, stop] = await tcpPair();
    const [c, s] = await Promise.all([
      establish(client, { ...options(alice, false), messageEncoding: rawEncoding }),
      establish(server, { ...options(bob, true), messageEncoding: rawEncoding, maxMessageSize: 1 << 20 }),
    ]);
    // A well-formed encrypted chunk whose plaintext announces a 2 GiB − 1 message.
    expect(c.trySendEncoded(fromHex('7fffffff0010'))).toBe(true);
    const reason = await s.closed;
    expect(reason.kind).toBe('Read_error');
    expect(reason.kind === 'Read_error' && reason.error.code).toBe('MESSAGE_TOO_LARGE');
    await expect(s.recv()).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    await expect(c.closed).resolves.toEqual({ kind: 'Connection_closed_by_peer' });
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });

  it('a truncated connection message is DECODING_ERROR (IP greylisted); the sender is closed on', async () => {
    const [client, server, stop] = await tcpPair();
    const s = settle(authenticate(server, options(bob, true)));
    client.resume(); // a raw peer that discards what it reads
    // A frame announcing 40 bytes: port, then a public key cut short.
    client.write(fromHex('0028' + '2604' + 'ab'.repeat(38)));
    const r = await s;
    expect(!r.ok && r.error.code).toBe('DECODING_ERROR');
    expect(!r.ok && r.error.greylistsAddress).toBe(true);
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });

  it('a peer that sends nothing: TIMEOUT after the configured delay, socket closed', async () => {
    const [client, server, stop] = await tcpPair();
    client.resume();
    const t0 = Date.now();
    const r = await settle(authenticate(server, options(bob, true, { timeoutMs: 300 })));
    expect(!r.ok && r.error.code).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(!r.ok && r.error.greylistsAddress).toBe(false);
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });

  it('a Nack_v_0 for peers announcing p2p version 0', async () => {
    const [client, server, stop] = await tcpPair();
    const old = { chainName: CHAIN, distributedDbVersion: 0, p2pVersion: 0 };
    const [c, s] = await Promise.all([
      settle(
        authenticate(client, options(alice, false, { version: old })).then((a) =>
          a.accept({ messageEncoding: rawEncoding }),
        ),
      ),
      settle(
        authenticate(server, options(bob, true)).then((a) =>
          a.nack({ kind: 'Too_many_connections' }, [{ ip: '10.0.0.1', port: 1 }]),
        ),
      ),
    ]);
    expect(s.ok).toBe(true);
    expect(!c.ok && c.error.code).toBe('REJECTED_BY_NACK');
    expect(!c.ok && c.error.motive).toEqual({ kind: 'No_motive' });
    expect(!c.ok && c.error.alternativePoints).toBeUndefined();
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });
});

describe('the raw bytes a refusing side writes', () => {
  it('is exactly one Nack chunk after the metadata, then end of stream', async () => {
    const [client, server, stop] = await tcpPair();
    const authed = authenticate(server, options(bob, true));
    const peer = authenticate(client, options(alice, false));
    const [a] = await Promise.all([authed, peer]);
    await a.nack({ kind: 'Already_connected' }, []);
    const p = await peer;
    // Read the Nack with the peer's own cipher through accept, which must report it.
    await expect(p.accept({ messageEncoding: rawEncoding })).rejects.toMatchObject({
      code: 'REJECTED_BY_NACK',
      motive: { kind: 'Already_connected' },
    });
    expect(decode(ackEncoding, fromHex('01000500000000'))).toEqual({
      kind: 'Nack',
      motive: { kind: 'Already_connected' },
      potentialPeersToConnect: [],
    });
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });
});
