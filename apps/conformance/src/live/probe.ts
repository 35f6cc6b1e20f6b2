import { CodedErrorOf } from '@tezos-p2p/encoding';
import { type Socket, connect } from 'node:net';
import { readableOrClosed } from '../checks/byte-reader.js';
import { CONNECTION_MESSAGE_HEADER, type ConnectionMessage, decodeConnectionMessageFrame } from '@tezos-p2p/wire';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

type LiveErrorCode = 'LIVE_BAD_TARGET' | 'LIVE_UNREACHABLE' | 'LIVE_TIMEOUT' | 'LIVE_PROTOCOL';

export class LiveError extends CodedErrorOf<LiveErrorCode> {
  override readonly name = 'LiveError';
}

/** `host:port` or `[v6]:port`. */
export function parseTarget(text: string, what = '--target'): HostPort {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new LiveError('LIVE_BAD_TARGET', `${what}: expected host:port or [v6]:port, got ${JSON.stringify(text)}`);
  return { host: m[1]!, port };
}

export function connectTcp(t: HostPort, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: t.host, port: t.port, timeout: timeoutMs });
    s.once('connect', () => {
      s.setTimeout(0);
      resolve(s);
    });
    s.once('timeout', () => {
      s.destroy();
      reject(new LiveError('LIVE_TIMEOUT', `no TCP connection to ${t.host}:${t.port} within ${timeoutMs} ms`));
    });
    s.once('error', (e) =>
      reject(new LiveError('LIVE_UNREACHABLE', `cannot connect to ${t.host}:${t.port}: ${e.message}`, { cause: e })),
    );
  });
}

/**
 * Octez writes its connection message as soon as a connection opens, whichever side opened it. Read
 * it first to learn the target's chain name and versions, then put the bytes back on the socket for
 * the handshake proper: no extra connection (which the target could count as a failed one).
 */
export async function peekConnectionMessage(s: Socket, timeoutMs: number): Promise<ConnectionMessage> {
  const parts: Buffer[] = [];
  let got = 0;
  let need = CONNECTION_MESSAGE_HEADER;
  const deadline = Date.now() + timeoutMs;
  while (got < need) {
    const b = s.read() as Buffer | null;
    if (b !== null) {
      parts.push(b);
      got += b.length;
      if (need === CONNECTION_MESSAGE_HEADER && got >= CONNECTION_MESSAGE_HEADER) {
        const head = Buffer.concat(parts);
        need = CONNECTION_MESSAGE_HEADER + head.readUInt16BE(0);
      }
      continue;
    }
    if (s.destroyed || s.readableEnded)
      throw new LiveError('LIVE_PROTOCOL', 'the target closed the connection before sending its connection message');
    const left = deadline - Date.now();
    if (left <= 0) throw new LiveError('LIVE_TIMEOUT', `no connection message from the target within ${timeoutMs} ms`);
    await readableOrClosed(s, left);
  }
  const all = Buffer.concat(parts);
  s.unshift(all);
  try {
    return decodeConnectionMessageFrame(new Uint8Array(all.subarray(0, need)));
  } catch (e) {
    throw new LiveError('LIVE_PROTOCOL', `the target's connection message does not decode: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
