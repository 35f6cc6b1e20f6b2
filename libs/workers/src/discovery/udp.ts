import type { Socket } from 'node:dgram';

/** Close a dgram socket and wait for its `close` event; a socket already closed resolves at once. */
export function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      // ERR_SOCKET_DGRAM_NOT_RUNNING: closed before (the callback above will never run).
      resolve();
    }
  });
}
