import { FakeClock } from '@tezos-p2p/events';
import type { ByteStream } from '../src/byte-stream.js';
import { HandshakeDeadline, HandshakeReader } from '../src/handshake-reader.js';

/**
 * The library's exact reader (the handshake's) over `stream`, for tests that read raw bytes: no
 * deadline (its clock is a fake one nobody advances), cancelled by `signal` with CANCELED.
 */
export function exactReader(stream: ByteStream, signal?: AbortSignal): HandshakeReader {
  return new HandshakeReader(stream, new HandshakeDeadline(1, signal, new FakeClock()));
}
