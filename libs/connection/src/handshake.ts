import type { Context } from '@opentelemetry/api';
import { DecodeError, decode, encode } from '@tezos-p2p/encoding';
import {
  type Ack,
  type ConnectionMetadataConfig,
  type ConnectionMessage,
  type LocalVersions,
  type NackMotive,
  type NetworkVersion,
  type Point,
  type PeerId,
  ackEncoding,
  decodeConnectionMessageFrame,
  encodeConnectionMessageFrame,
  nackFor,
  selectVersion,
  CONNECTION_MESSAGE_HEADER,
  describeNackMotive,
} from '@tezos-p2p/wire';
import {
  type CryptoBackend,
  CryptoError,
  DEFAULT_POW_DIFFICULTY,
  type Identity,
  checkProofOfWork,
  generateNonces,
  getCryptoBackend,
  peerIdOf,
} from '@tezos-p2p/crypto';
import { type Clock, systemClock } from '@tezos-p2p/events';
import { type ByteStream, writeAll } from './byte-stream.js';
import { ChunkCipher, plaintextPerChunk } from './chunk-cipher.js';
import { Connection, type ConnectionOptions } from './connection.js';
import type { ConnectionInfo } from './connection-info.js';
import { ConnectionError } from './errors.js';
import { IoScheduler } from './io-scheduler.js';
import { HandshakeSpan } from './handshake-span.js';
import { HandshakeDeadline, HandshakeReader } from './handshake-reader.js';
import { freshMessageNonce } from './handshake-nonce-pool.js';
import { type SessionTap, TapSession } from './session-tap.js';

/** `authentication_timeout` (incoming) and `connection_timeout` (outgoing), P2p_limits defaults. */
export const DEFAULT_INCOMING_HANDSHAKE_TIMEOUT_MS = 5000;
export const DEFAULT_OUTGOING_HANDSHAKE_TIMEOUT_MS = 10000;

export interface HandshakeOptions<Meta> {
  readonly identity: Identity;
  /** The version we announce: chain name, distributed-db and p2p versions. */
  readonly version: NetworkVersion;
  /** Our advertised listening port (absent = 0, "none"). */
  readonly listeningPort?: number | undefined;
  /** The random nonce of our connection message; fixed only to replay recorded sessions. */
  readonly messageNonce?: Uint8Array | undefined;
  /** Proof of work required from the peer (default 26). */
  readonly expectedProofOfWork?: number | undefined;
  readonly metadata: ConnectionMetadataConfig<Meta>;
  /** True when we accepted the socket. */
  readonly incoming: boolean;
  /** The remote address; defaults to the socket's. For outgoing connections `port` is the dialled port. */
  readonly remote?: { readonly ip: string; readonly port: number } | undefined;
  /** Whole handshake (authenticate, then Ack/Nack); default 5 s incoming, 10 s outgoing. */
  readonly timeoutMs?: number | undefined;
  /** The clock the deadline runs on (default the system's; a fake one in tests). */
  readonly clock?: Clock | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly backend?: CryptoBackend | undefined;
  /**
   * Bytes per chunk on the wire for the messages sent once the handshake is over (default 65535).
   * The handshake's own Metadata, Ack and Nack are always one chunk each, as in Octez.
   */
  readonly binaryChunksSize?: number | undefined;
  /**
   * Observes this session's connection messages, keys and every encrypted chunk, into the
   * `Connection` that `accept` returns; its `end` is called once however the session ends.
   */
  readonly tap?: SessionTap | undefined;
  /**
   * Where the `p2p.authenticate` span goes: its parent's context (e.g. `trace.setSpan(ctx, connectionSpan)`);
   * the active context when absent.
   */
  readonly traceContext?: Context | undefined;
}

/** The Ack's plaintext never varies: encoded once rather than per handshake. */
const ACK_PLAIN = encode(ackEncoding, { kind: 'Ack' });

/** `fail`, then report the error as the end of a tapped session. */
function failTapped(socket: ByteStream, e: unknown, peerId: PeerId | undefined, tap: TapSession | undefined): never {
  try {
    fail(socket, e, peerId);
  } catch (err) {
    const ce = err as ConnectionError;
    tap?.end(ce.message, ce.code);
    throw ce;
  }
}

/** `failTapped`, then end the handshake's span with the error's code. */
function failSpanned(
  socket: ByteStream,
  e: unknown,
  peerId: PeerId | undefined,
  tap: TapSession | undefined,
  span: HandshakeSpan,
): never {
  try {
    failTapped(socket, e, peerId, tap);
  } catch (err) {
    const ce = err as ConnectionError;
    span.fail(ce.code, ce.message);
    throw ce;
  }
}

/** How many alternative points a Nack offers (a `Nack_v_0` offers none). */
function nackPoints(ack: Exclude<Ack, { kind: 'Ack' }>): number {
  return ack.kind === 'Nack' ? ack.potentialPeersToConnect.length : 0;
}

function fail(socket: ByteStream, e: unknown, peerId?: PeerId): never {
  socket.destroy();
  if (e instanceof ConnectionError) {
    if (peerId !== undefined && e.peerId === undefined) {
      throw ConnectionError.expected(e.code, e.message, {
        peerId,
        ...(e.motive ? { motive: e.motive } : {}),
        ...(e.alternativePoints ? { alternativePoints: e.alternativePoints } : {}),
        ...(e.idPoint ? { idPoint: e.idPoint } : {}),
        cause: e.cause,
      });
    }
    throw e;
  }
  if (e instanceof DecodeError) throw new ConnectionError('DECODING_ERROR', e.message, { peerId, cause: e });
  if (e instanceof CryptoError) throw new ConnectionError('INVALID_AUTH', e.message, { peerId, cause: e });
  throw new ConnectionError('SOCKET_ERROR', e instanceof Error ? e.message : String(e), { peerId, cause: e });
}

/**
 * The authenticated but not yet accepted side of a handshake (`P2p_socket.authenticated_connection`):
 * connection messages and metadata have been exchanged, proof of work and identity checked. The
 * caller now decides: `accept` (Ack) or `nack` (refuse with a motive).
 */
export class AuthenticatedSocket<Meta> {
  private finished = false;

  constructor(
    readonly info: ConnectionInfo<Meta>,
    private readonly socket: ByteStream,
    private readonly input: HandshakeReader,
    private readonly sendCipher: ChunkCipher,
    private readonly recvCipher: ChunkCipher,
    private readonly deadline: HandshakeDeadline,
    private readonly binaryChunksSize: number | undefined,
    private readonly tap: TapSession | undefined,
    private readonly span: HandshakeSpan,
  ) {}

  private finish(): void {
    if (this.finished)
      throw new ConnectionError('CONNECTION_CLOSED_LOCALLY', 'this handshake is already accepted, refused or closed');
    this.finished = true;
  }

  /** The peer reads an Ack or a Nack as one chunk, whatever `binaryChunksSize` is. */
  private async writeChunk(plain: Uint8Array): Promise<void> {
    await writeAll(this.socket, this.sendCipher.sealOne(plain));
  }

  /**
   * `P2p_socket.accept`: write Ack, read the peer's Ack. A Nack from the peer fails with
   * REJECTED_BY_NACK carrying its motive and alternative points. `negotiatedVersion` may be given
   * apart from the options (as `establish` does), which saves copying them.
   */
  async accept<M>(
    options: ConnectionOptions<M> & { scheduler?: IoScheduler; negotiatedVersion?: NetworkVersion },
    negotiatedVersion: NetworkVersion | undefined = options.negotiatedVersion,
  ): Promise<Connection<M, Meta>> {
    this.finish();
    const peerId = this.info.peerId;
    try {
      this.deadline.check();
      // A tap is handed the plaintext itself: give it a copy it may keep (or alter).
      await this.writeChunk(this.tap === undefined ? ACK_PLAIN : ACK_PLAIN.slice());
      this.span.ack('transmit');
      const body = await this.input.readChunk();
      const ack: Ack = decode(ackEncoding, this.recvCipher.open(body));
      if (ack.kind === 'Ack') this.span.ack('receive');
      else this.span.nack('receive', ack.kind === 'Nack' ? ack.motive : { kind: 'No_motive' }, nackPoints(ack));
      if (ack.kind === 'Nack_v_0')
        throw ConnectionError.expected('REJECTED_BY_NACK', 'the peer refused the connection (Nack_v_0)', {
          peerId,
          motive: { kind: 'No_motive' },
        });
      if (ack.kind === 'Nack') {
        throw ConnectionError.expected(
          'REJECTED_BY_NACK',
          `the peer refused the connection: ${describeNackMotive(ack.motive)}`,
          { peerId, motive: ack.motive, alternativePoints: ack.potentialPeersToConnect },
        );
      }
    } catch (e) {
      this.input.detach();
      this.deadline.done();
      failSpanned(this.socket, e, peerId, this.tap, this.span);
    }
    this.deadline.done();
    this.span.end();
    // The Connection takes the stream's reads over at once, in its constructor.
    const leftover = this.input.handOver();
    return new Connection<M, Meta>(
      this.socket,
      this.sendCipher,
      this.recvCipher,
      this.info,
      options.scheduler ?? new IoScheduler(),
      // The Connection reads its options once, in its constructor: copy them only to fill in the size.
      options.binaryChunksSize !== undefined || this.binaryChunksSize === undefined
        ? options
        : { ...options, binaryChunksSize: this.binaryChunksSize },
      leftover,
      negotiatedVersion,
      this.tap,
    );
  }

  /**
   * `P2p_socket.nack`: refuse with `motive` and the alternative points — a `Nack` for peers announcing
   * p2p version > 0, a bare `Nack_v_0` otherwise — in one chunk, then close. As in Octez the refusal
   * is best effort: an error writing it is ignored, and so is one encoding it, which is what more than
   * 100 points are (the list's `max_length`; Octez never truncates it, its connect handler offers 50):
   * the socket is then closed without a Nack.
   */
  async nack(motive: NackMotive, alternativePoints: readonly Point[] = []): Promise<void> {
    this.finish();
    let outcome = `Nack sent: ${describeNackMotive(motive)}`;
    let sent = false;
    try {
      await this.writeChunk(
        encode(ackEncoding, nackFor(this.info.announcedVersion.p2pVersion, motive, alternativePoints)),
      );
      this.span.nack('transmit', motive, alternativePoints.length);
      sent = true;
      await new Promise<void>((r) => this.socket.end(() => r()));
    } catch (e) {
      outcome = `Nack not sent (${e instanceof Error ? e.message : String(e)}): ${describeNackMotive(motive)}`;
    } finally {
      this.input.detach();
      this.deadline.done();
      this.socket.destroy();
      this.tap?.end(outcome);
      this.span.end(sent ? 'nack_sent' : 'closed');
    }
  }

  /** Close without an answer (Octez's behaviour for banned peers, identity mismatches, private mode). */
  close(): void {
    if (this.finished) return;
    this.finished = true;
    this.input.detach();
    this.deadline.done();
    this.socket.destroy();
    this.tap?.end('closed without an answer');
    this.span.end('closed');
  }
}

function remoteOf(
  socket: ByteStream,
  opts: { remote?: { ip: string; port: number } | undefined },
): { ip: string; port: number } {
  if (opts.remote) return opts.remote;
  const ip = socket.remoteAddress ?? '::';
  return { ip: ip.startsWith('::ffff:') ? ip.slice(7) : ip, port: socket.remotePort ?? 0 };
}

/**
 * `P2p_socket.authenticate`, step by step: write our connection message (2-byte framed), read the
 * peer's, check its proof of work, derive the channel key and nonces, exchange metadata as one
 * encrypted chunk each way, refuse ourselves. Any failure closes the socket and is a ConnectionError.
 */
export async function authenticate<Meta>(
  socket: ByteStream,
  opts: HandshakeOptions<Meta>,
): Promise<AuthenticatedSocket<Meta>> {
  const tap = opts.tap === undefined ? undefined : new TapSession(opts.tap);
  try {
    // Checked now so that a bad size fails before any byte is exchanged; it applies after the Ack.
    plaintextPerChunk(opts.binaryChunksSize);
  } catch (e) {
    tap?.end(e instanceof Error ? e.message : String(e));
    throw e;
  }
  const backend = opts.backend ?? getCryptoBackend();
  const timeoutMs =
    opts.timeoutMs ?? (opts.incoming ? DEFAULT_INCOMING_HANDSHAKE_TIMEOUT_MS : DEFAULT_OUTGOING_HANDSHAKE_TIMEOUT_MS);
  const deadline = new HandshakeDeadline(timeoutMs, opts.signal, opts.clock ?? systemClock);
  const input = new HandshakeReader(socket, deadline);
  const remote = remoteOf(socket, opts);
  const span = new HandshakeSpan({ remote, incoming: opts.incoming, parent: opts.traceContext });
  let peerId: PeerId | undefined;
  try {
    const ours: ConnectionMessage = {
      port: opts.listeningPort,
      publicKey: opts.identity.publicKey,
      proofOfWorkStamp: opts.identity.proofOfWorkStamp,
      messageNonce: opts.messageNonce ?? freshMessageNonce(backend),
      version: opts.version,
    };
    const sentFrame = encodeConnectionMessageFrame(ours);
    await writeAll(socket, sentFrame);
    span.connectionMessage('transmit', ours);
    deadline.check();
    const lenBytes = await input.readExactly(CONNECTION_MESSAGE_HEADER);
    const len = (lenBytes[0]! << 8) | lenBytes[1]!;
    const body = await input.readExactly(len);
    const receivedFrame = new Uint8Array(CONNECTION_MESSAGE_HEADER + len);
    receivedFrame.set(lenBytes);
    receivedFrame.set(body, CONNECTION_MESSAGE_HEADER);
    // Copies: the tap must not be able to alter what the nonces are derived from.
    tap?.connectionMessages(opts.incoming, Uint8Array.from(sentFrame), Uint8Array.from(receivedFrame));
    const theirs = decodeConnectionMessageFrame(receivedFrame);
    peerId = peerIdOf(backend, theirs.publicKey);
    span.peer(peerId);
    span.connectionMessage('receive', theirs);
    const difficulty = opts.expectedProofOfWork ?? DEFAULT_POW_DIFFICULTY;
    if (!checkProofOfWork(backend, theirs.publicKey, theirs.proofOfWorkStamp, difficulty)) {
      throw new ConnectionError(
        'NOT_ENOUGH_PROOF_OF_WORK',
        `peer ${peerId} does not meet proof of work ${difficulty}`,
        { peerId },
      );
    }
    const key = backend.precompute(opts.identity.secretKey.expose(), theirs.publicKey);
    const nonces = generateNonces(backend, {
      incoming: opts.incoming,
      sentMessage: sentFrame,
      receivedMessage: receivedFrame,
    });
    const sendCipher = new ChunkCipher(backend, key, nonces.local);
    const recvCipher = new ChunkCipher(backend, key, nonces.remote);
    if (tap !== undefined) {
      tap.keys(Uint8Array.from(key), Uint8Array.from(nonces.local), Uint8Array.from(nonces.remote));
      sendCipher.attachTap(tap, 'sent');
      recvCipher.attachTap(tap, 'received');
    }

    const localMetadata = opts.metadata.value();
    // One chunk whatever binaryChunksSize is: the peer reads the metadata as one chunk.
    await writeAll(socket, sendCipher.sealOne(encode(opts.metadata.encoding, localMetadata)));
    span.metadata('transmit', () => opts.metadata.toJson(localMetadata));
    const metaBody = await input.readChunk();
    const remoteMetadata = decode(opts.metadata.encoding, recvCipher.open(metaBody));
    span.metadata('receive', () => opts.metadata.toJson(remoteMetadata));
    if (peerId === opts.identity.peerId) {
      const port = opts.incoming ? theirs.port : remote.port;
      throw new ConnectionError('MYSELF', `connected to ourselves (${remote.ip}:${port ?? 'no port'})`, {
        peerId,
        idPoint: { ip: remote.ip, port },
      });
    }

    const info: ConnectionInfo<Meta> = {
      incoming: opts.incoming,
      peerId,
      idPoint: { ip: remote.ip, port: opts.incoming ? theirs.port : remote.port },
      remoteSocketPort: remote.port,
      announcedVersion: theirs.version,
      privateNode: opts.metadata.privateNode(remoteMetadata),
      localMetadata,
      remoteMetadata,
    };
    span.authenticated();
    return new AuthenticatedSocket(
      info,
      socket,
      input,
      sendCipher,
      recvCipher,
      deadline,
      opts.binaryChunksSize,
      tap,
      span,
    );
  } catch (e) {
    input.detach();
    deadline.done();
    failSpanned(socket, e, peerId, tap, span);
  }
}

export interface EstablishOptions<M, Meta> extends HandshakeOptions<Meta>, ConnectionOptions<M> {
  /** Chain name and versions we accept (default: exactly what we announce, as lists). */
  readonly accepted?: LocalVersions | undefined;
  /** Points offered in our Nack when we refuse (default none). */
  readonly alternativePoints?: readonly Point[] | undefined;
  readonly scheduler?: IoScheduler | undefined;
}

/**
 * The whole handshake for standalone use: authenticate, negotiate versions as
 * `P2p_connect_handler.select` (chain name must match), then Ack — or Nack with the motive and fail
 * with REJECTED_NO_COMMON_PROTOCOL. A pool adds its own checks (bans, limits) between the two steps.
 */
export async function establish<M, Meta>(
  socket: ByteStream,
  opts: EstablishOptions<M, Meta>,
): Promise<Connection<M, Meta>> {
  const authed = await authenticate(socket, opts);
  const accepted = opts.accepted ?? {
    chainName: opts.version.chainName,
    distributedDbVersions: [opts.version.distributedDbVersion],
    p2pVersions: [opts.version.p2pVersion],
  };
  const selection = selectVersion(accepted, authed.info.announcedVersion);
  if (!selection.ok) {
    await authed.nack(selection.motive, opts.alternativePoints ?? []);
    throw new ConnectionError(
      'REJECTED_NO_COMMON_PROTOCOL',
      `no common protocol with ${authed.info.peerId}: ${describeNackMotive(selection.motive)} (announced ${JSON.stringify(authed.info.announcedVersion.chainName)})`,
      {
        peerId: authed.info.peerId,
        motive: selection.motive,
        announcedVersion: authed.info.announcedVersion,
      },
    );
  }
  return authed.accept(opts, selection.version);
}
