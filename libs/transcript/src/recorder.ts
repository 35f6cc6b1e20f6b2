import type { SessionTap } from '@tezos-p2p/connection';
import { getCryptoBackend, peerIdOf } from '@tezos-p2p/crypto';
import { decode } from '@tezos-p2p/encoding';
import { ackEncoding, decodeConnectionMessageFrame } from '@tezos-p2p/wire';
import { MessageBoundaries } from './message-boundaries.js';
import type { Endpoint, Session, SessionEnd, TranscriptRecord } from './types.js';
import { mergeSession } from './merge-session.js';

/** Where a recorder puts what it sees. */
export interface TranscriptSink {
  updateSession(partial: Partial<Session>): void;
  /** The session header is complete (keys known): write it. */
  begin(): void;
  append(record: TranscriptRecord): void;
  end(end: SessionEnd): void | Promise<void>;
}

export interface RecorderOptions {
  /** Stated in the session's endpoints (`implementation`). Default 'tezos-p2p-ts'. */
  readonly implementation?: string;
  /** Only for throwaway identities (the live conformance checks): put the local secret key in the transcript. */
  readonly localSecretKey?: Uint8Array;
  /** Microseconds since the epoch; injectable for tests. */
  readonly now?: () => number;
}

const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

function endpoint(frame: Uint8Array, extra: Partial<Endpoint>): Endpoint {
  const m = decodeConnectionMessageFrame(frame);
  return {
    peerId: peerIdOf(getCryptoBackend(), m.publicKey),
    publicKey: m.publicKey,
    proofOfWorkStamp: m.proofOfWorkStamp,
    ...extra,
  };
}

function ackKind(plain: Uint8Array): string {
  try {
    return decode(ackEncoding, plain).kind;
  } catch {
    return 'ack';
  }
}

/**
 * A `SessionTap` writing what it observes as transcript records: both connection messages, the
 * session keys, every chunk with its nonce and plaintext, labelled with the kind of the message it
 * starts, and the end. The tap's byte views are copied (they are reused buffers). The recorded
 * transcript replays with `npm run conformance`.
 */
export function transcriptRecorder(sink: TranscriptSink, opts: RecorderOptions = {}): SessionTap {
  const now = opts.now ?? nowUs;
  const implementation = opts.implementation ?? 'tezos-p2p-ts';
  const boundaries = { sent: new MessageBoundaries(), received: new MessageBoundaries() };
  return {
    connectionMessages({ incoming, sent, received }) {
      const t = now();
      const local = endpoint(sent, {
        implementation,
        ...(opts.localSecretKey ? { secretKey: Uint8Array.from(opts.localSecretKey) } : {}),
      });
      sink.updateSession({
        localRole: incoming ? 'RESPONDER' : 'INITIATOR',
        chainName: decodeConnectionMessageFrame(sent).version.chainName,
        local,
        remote: endpoint(received, {}),
      });
      sink.append({
        direction: 'SENT',
        layer: 'CONNECTION_MESSAGE',
        wire: Uint8Array.from(sent),
        kind: 'connection_message',
        timeUs: t,
      });
      sink.append({
        direction: 'RECEIVED',
        layer: 'CONNECTION_MESSAGE',
        wire: Uint8Array.from(received),
        kind: 'connection_message',
        timeUs: t,
      });
    },
    keys({ channelKey, localNonce, remoteNonce }) {
      sink.updateSession({
        keys: {
          channelKey: Uint8Array.from(channelKey),
          localNonce: Uint8Array.from(localNonce),
          remoteNonce: Uint8Array.from(remoteNonce),
        },
      });
      sink.begin();
    },
    chunk({ direction, index, nonce, wire, plaintext }) {
      const kind =
        plaintext === undefined
          ? 'undecipherable'
          : index === 0
            ? 'metadata'
            : index === 1
              ? ackKind(plaintext)
              : boundaries[direction].label(plaintext);
      sink.append({
        direction: direction === 'sent' ? 'SENT' : 'RECEIVED',
        layer: 'CHUNK',
        chunkIndex: index,
        wire: Uint8Array.from(wire),
        nonce: Uint8Array.from(nonce),
        ...(plaintext !== undefined ? { plaintext: Uint8Array.from(plaintext) } : {}),
        kind,
        timeUs: now(),
      });
    },
    end({ reason, code }) {
      void sink.end({ reason, ...(code !== undefined ? { code } : {}), timeUs: now() });
    },
  };
}

/** A sink keeping the transcript in memory (short sessions: the live conformance checks, tests). */
export class MemoryTranscriptSink implements TranscriptSink {
  session: Session;
  readonly records: TranscriptRecord[] = [];
  ended: SessionEnd | undefined;
  private readonly waiters: (() => void)[] = [];

  constructor(
    session: Session,
    private readonly maxRecords = 100_000,
  ) {
    this.session = session;
  }

  updateSession(partial: Partial<Session>): void {
    this.session = mergeSession(this.session, partial);
  }

  begin(): void {}

  append(record: TranscriptRecord): void {
    if (this.records.length < this.maxRecords) this.records.push(record);
  }

  end(end: SessionEnd): void {
    this.ended ??= end;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once the session has ended. */
  whenEnded(): Promise<SessionEnd> {
    return this.ended ? Promise.resolve(this.ended) : new Promise((r) => this.waiters.push(() => r(this.ended!)));
  }

  transcript(): { formatVersion: 1; session: Session; records: TranscriptRecord[]; end?: SessionEnd } {
    return {
      formatVersion: 1,
      session: this.session,
      records: [...this.records],
      ...(this.ended ? { end: this.ended } : {}),
    };
  }
}
