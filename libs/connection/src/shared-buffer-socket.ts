import { type OnReadOpts, Socket, type SocketConstructorOpts, type TcpNetConnectOpts, connect } from 'node:net';
import { type BytesHandler, PausableReadSource, registerReadSource, registeredReadSource } from './read-source.js';

/**
 * Bytes of the one read buffer every shared-buffer socket of a thread reads into: up to this much
 * per socket read. Measured with 1 MiB messages (docs/PERFORMANCE.md, connection suite): 64 KiB
 * reads cost the receiver the most; 1 MiB ones cost it a little less than 256 KiB but the sender
 * more, within noise overall. 256 KiB also bounds what one read hands a connection (or a handshake,
 * which copies it).
 */
export const SHARED_READ_BUFFER_SIZE = 256 << 10;

/**
 * Made at the first such socket. Sharing is safe because libuv reads a socket and calls its read
 * callback in one go, on this thread: no other socket's read lands in between, so the bytes are
 * intact for the whole call and nobody keeps them after it (`ReadSource.transient`).
 */
let sharedBuffer: Uint8Array | undefined;

/**
 * The read source of a shared-buffer socket. Why such sockets: with ordinary `'data'` events Node
 * allocates a fresh 64 KiB buffer for every read and the garbage collector frees them later; reading
 * into one reused buffer cost the idealised receiver 26 % less CPU per MiB (pipeline bench), and an
 * idle connection holds no read buffer at all.
 */
class SharedBufferSource extends PausableReadSource {
  /** @internal (`onSharedBufferRead`) */
  deliver(n: number, buf: Uint8Array): boolean {
    const h = this.handler;
    if (h === undefined) return false;
    h(buf.subarray(0, n));
    return !this.paused;
  }

  get transient(): boolean {
    return true;
  }

  setHandler(handler: BytesHandler | undefined): void {
    if (handler === undefined) this.pause();
    this.handler = handler;
  }
}

/**
 * Node's `onread` callback, one for every socket (Node calls it on the socket): returning false stops
 * reading. Reading runs only while resumed with a handler; a read forced by someone calling
 * `socket.read()` goes to the handler all the same. Without a handler the stream has been given up
 * (the handshake failed, or the connection closed and destroyed it): nothing is left to deliver to.
 */
function onSharedBufferRead(this: Socket, n: number, buf: Uint8Array): boolean {
  const source = registeredReadSource(this) as SharedBufferSource | undefined;
  return source !== undefined && source.deliver(n, buf);
}

function onreadOption(): OnReadOpts {
  return { buffer: (sharedBuffer ??= new Uint8Array(SHARED_READ_BUFFER_SIZE)), callback: onSharedBufferRead };
}

/**
 * `net.connect` for a TCP connection whose reads go to the thread's shared buffer (the connection
 * layer takes them through `readSourceOf`). Returned paused; the `'connect'` and `'error'` events
 * are the usual ones.
 */
export function connectSharedBuffer(options: TcpNetConnectOpts): Socket {
  const socket = connect({ ...options, onread: onreadOption() });
  // Before 'connect': Node would otherwise start reading as soon as it connects.
  socket.pause();
  registerReadSource(socket, new SharedBufferSource(socket));
  return socket;
}

/** The parts of Node's socket internals that adopting an accepted socket relies on. */
interface SocketInternals {
  _handle?: { useUserBuffer?: unknown; reading?: boolean } | null;
}

/**
 * An accepted socket turned into a shared-buffer one. Node takes `onread` only when it creates a
 * socket, and a server creates its accepted sockets itself; so the accepted socket, still unread
 * (its server has `pauseOnConnect` set), gives its handle to a new socket created with the option,
 * and is then destroyed empty, which only settles the server's connection count. Relies on Node's
 * private `_handle`: when it is not what it should be (another runtime, a later Node, a socket
 * already read from) the accepted socket is returned as it is and read the ordinary way.
 */
export function adoptAcceptedSocket(accepted: Socket): Socket {
  const shell = accepted as unknown as SocketInternals;
  const handle = shell._handle;
  if (
    handle === undefined ||
    handle === null ||
    typeof handle.useUserBuffer !== 'function' ||
    handle.reading !== false ||
    accepted.bytesRead !== 0 ||
    accepted.destroyed
  )
    return accepted;
  shell._handle = null;
  const socket = new Socket({
    handle,
    readable: true,
    writable: true,
    pauseOnCreate: true,
    onread: onreadOption(),
  } as SocketConstructorOpts);
  accepted.destroy();
  registerReadSource(socket, new SharedBufferSource(socket));
  return socket;
}
