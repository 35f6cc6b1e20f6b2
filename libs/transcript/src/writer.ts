import { type WriteStream, createWriteStream } from 'node:fs';
import { encodeEnd, encodeRecords } from './codec.js';
import { TranscriptError } from './errors.js';
import { transcriptType } from './schema.js';
import type { TranscriptSink } from './recorder.js';
import { FORMAT_VERSION, type Session, type SessionEnd, type TranscriptRecord } from './types.js';
import { mergeSession } from './merge-session.js';

/** Default bound on bytes handed to the file but not yet written (`maxPendingBytes`). */
export const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;
/** Records kept in memory while the session is not yet begun (the handshake's few). */
const MAX_EARLY_RECORDS = 64;

export interface TranscriptWriterOptions {
  /**
   * When this many bytes wait for the disk, recording stops (the session goes on): later records are
   * dropped and counted in `end.droppedRecords`. Default 16 MiB.
   */
  readonly maxPendingBytes?: number;
  /** Called once on the first write error; the writer then stops writing. */
  readonly onError?: (e: TranscriptError) => void;
}

/**
 * Streams one transcript to a file as the session happens. The session header is written once, by
 * `begin` (when the handshake has told us the keys and the remote's identity) or at the latest by
 * `end`; records appended before are held (a handshake's few), later ones are appended one protobuf
 * fragment each, and `end` comes last — concatenated, they decode as one `Transcript`. Protobuf
 * readers disagree on merging a repeated singular field, so nothing is written twice. Memory stays
 * bounded by `maxPendingBytes`.
 */
export class TranscriptWriter implements TranscriptSink {
  private stream: WriteStream | undefined;
  private readonly maxPending: number;
  private session: Session;
  private early: TranscriptRecord[] = [];
  private failed = false;
  private ended = false;
  private droppedCount = 0;

  constructor(
    readonly path: string,
    session: Session,
    private readonly opts: TranscriptWriterOptions = {},
  ) {
    this.session = session;
    this.maxPending = opts.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  }

  /** Records not written because the disk fell behind. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Fields to add to the session before it is written (ignored once begun). */
  updateSession(partial: Partial<Session>): void {
    if (this.stream === undefined) this.session = mergeSession(this.session, partial);
  }

  /** Write the session header and the records held so far. Idempotent. */
  begin(partial: Partial<Session> = {}): void {
    if (this.stream !== undefined || this.ended) return;
    this.updateSession(partial);
    this.stream = createWriteStream(this.path, { flags: 'wx', mode: 0o600 });
    this.stream.on('error', (e) => this.fail(e));
    const type = transcriptType();
    this.write(type.encode(type.fromObject({ formatVersion: FORMAT_VERSION, session: this.session })).finish());
    const early = this.early;
    this.early = [];
    for (const r of early) this.append(r);
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.opts.onError?.(new TranscriptError('TRANSCRIPT_IO', `cannot write ${this.path}: ${e.message}`, { cause: e }));
  }

  private write(bytes: Uint8Array): void {
    if (!this.failed) this.stream!.write(bytes);
  }

  append(record: TranscriptRecord): void {
    if (this.ended) return;
    if (this.stream === undefined) {
      this.early.push(record);
      if (this.early.length >= MAX_EARLY_RECORDS) this.begin();
      return;
    }
    if (this.droppedCount > 0 || this.stream.writableLength > this.maxPending) {
      this.droppedCount++;
      return;
    }
    this.write(encodeRecords([record]));
  }

  /** Write how the session ended (begun first if needed) and close the file. Idempotent. */
  async end(end: SessionEnd): Promise<void> {
    if (this.ended) return;
    this.begin();
    this.ended = true;
    this.write(encodeEnd(this.droppedCount > 0 ? { ...end, droppedRecords: this.droppedCount } : end));
    const stream = this.stream!;
    await new Promise<void>((resolve) => (stream.destroyed ? resolve() : stream.end(() => resolve())));
  }
}
