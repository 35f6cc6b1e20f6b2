/**
 * Ports of Octez's `src/lib_p2p/tezt/test_p2p_fd.ml`. Their subject, `P2p_fd`, is Octez's wrapper of
 * a Unix socket: connect/accept, read into a buffer, write, close, with errors that tell a connection
 * closed locally from one closed by the peer. Our equivalent is a `net.Socket` used as a `ByteStream`,
 * read with the handshake's exact reader (`HandshakeReader.readExactly`) and written with `writeAll` (byte-stream.ts): their errors are
 * CONNECTION_CLOSED_LOCALLY (Octez's `Connection_locally_closed`) and CONNECTION_CLOSED
 * (`Connection_closed_by_peer`). Real loopback TCP on 127.0.0.1 (Octez uses ::1); Octez's two
 * processes and their `sync` barrier are two sockets of this process and an `await`.
 */
import { type Server, type Socket, connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exactReader } from './exact-reader.js';
import { writeAll } from '../src/index.js';
import { closedOf } from './helpers.js';

const HOST = '127.0.0.1';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A listening socket, a client connected to it, and the server side of that connection. */
async function pair(): Promise<{ client: Socket; server: Socket }> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const client = connect((server.address() as { port: number }).port, HOST);
  await new Promise<void>((r, j) => client.once('connect', r).once('error', j));
  const srv = await accepted;
  sockets.push(client, srv);
  return { client, server: srv };
}

/** `P2p_fd.close`: close the socket and wait until it is closed. */
async function close(s: Socket): Promise<void> {
  s.destroy();
  await closedOf(s);
}

/** The error code of `readExactly(n)` on `s`, or the bytes read. */
async function read(s: Socket, n: number): Promise<Uint8Array | string> {
  const input = exactReader(s);
  try {
    return await input.readExactly(n);
  } catch (e) {
    return (e as { code: string }).code;
  } finally {
    input.detach();
  }
}

async function write(s: Socket, bytes: Uint8Array): Promise<'ok' | string> {
  return writeAll(s, bytes).then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );
}

describe('src/lib_p2p/tezt/test_p2p_fd.ml', () => {
  it('p2p fd connect: a client connects to a listening socket, which accepts it', async () => {
    const { client, server } = await pair();
    expect(client.remotePort).toBe(server.localPort);
    expect(server.remotePort).toBe(client.localPort);
  });

  it('p2p fd read write: the bytes the server writes are the bytes the client reads', async () => {
    const { client, server } = await pair();
    const data = new TextEncoder().encode('test');
    expect(await write(server, data)).toBe('ok');
    const got = await read(client, data.length);
    expect(got).toEqual(data);
  });

  it('p2p fd closed by peer read outgoing: after the server closes, the client read fails with closed by peer', async () => {
    const { client, server } = await pair();
    await close(server);
    expect(await read(client, 10)).toBe('CONNECTION_CLOSED');
  });

  it('p2p fd closed by peer read incoming: after the client closes, the server read fails with closed by peer', async () => {
    const { client, server } = await pair();
    await close(client);
    expect(await read(server, 10)).toBe('CONNECTION_CLOSED');
  });

  it('p2p fd locally closed read outgoing: a client read after its own close fails with locally closed', async () => {
    const { client } = await pair();
    await close(client);
    expect(await read(client, 10)).toBe('CONNECTION_CLOSED_LOCALLY');
  });

  it('p2p fd locally closed read incoming: a server read after its own close fails with locally closed', async () => {
    const { server } = await pair();
    await close(server);
    expect(await read(server, 10)).toBe('CONNECTION_CLOSED_LOCALLY');
  });

  it('p2p fd locally closed write outgoing: a client write after its own close fails with locally closed', async () => {
    const { client } = await pair();
    await close(client);
    expect(await write(client, new TextEncoder().encode('test'))).toBe('CONNECTION_CLOSED_LOCALLY');
  });

  it('p2p fd locally closed write incoming: a server write after its own close fails with locally closed', async () => {
    const { server } = await pair();
    await close(server);
    expect(await write(server, new TextEncoder().encode('test'))).toBe('CONNECTION_CLOSED_LOCALLY');
  });
});
