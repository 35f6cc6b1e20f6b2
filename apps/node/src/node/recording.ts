import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionTap } from '@tezos-p2p/connection';
import { TRANSCRIPT_EXTENSION, TranscriptWriter, transcriptRecorder } from '@tezos-p2p/transcript';
import type { Point } from '@tezos-p2p/wire';
import type { Logger } from 'pino';

/** Sessions recorded per process at most (`--record`): a flood of handshakes cannot fill the disk with files. */
export const MAX_RECORDED_SESSIONS = 10_000;

/**
 * `tzp2p run --record DIR`: every session (handshake attempts included) written as a conformance
 * transcript, one file each, with the session keys (channel key and nonces) but never the node's
 * secret key. Files are owner-only; each writer's memory is bounded (`TranscriptWriter`).
 */
export class SessionRecordings {
  private count = 0;
  private readonly writers = new Set<TranscriptWriter>();
  private readonly ending = new Set<Promise<void>>();
  private warned = false;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
    private readonly max = MAX_RECORDED_SESSIONS,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** A `sessionTap` factory for `P2pConfig`. */
  readonly tapFor = ({
    incoming,
    point,
  }: {
    readonly incoming: boolean;
    readonly point: Point;
  }): SessionTap | undefined => {
    if (this.closed) return undefined;
    if (this.count >= this.max) {
      if (!this.warned)
        this.log.warn(
          { dir: this.dir, max: this.max },
          'recorded-session cap reached: later sessions are not recorded',
        );
      this.warned = true;
      return undefined;
    }
    const seq = ++this.count;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = `recorded-${stamp}-${incoming ? 'in' : 'out'}-${point.ip.replace(/[:.]/g, '_')}-${point.port}-${seq}`;
    const writer = new TranscriptWriter(
      join(this.dir, `${name}${TRANSCRIPT_EXTENSION}`),
      {
        name,
        description: `${incoming ? 'Incoming' : 'Outgoing'} session with ${point.ip}:${point.port}`,
        provenance: { origin: 'RECORDED', source: 'tzp2p run --record', recordedAt: new Date().toISOString() },
        remote: { address: `${point.ip.includes(':') ? `[${point.ip}]` : point.ip}:${point.port}` },
      },
      { onError: (e) => this.log.warn({ err: e.message, code: e.code }, 'session recording failed') },
    );
    this.writers.add(writer);
    const sink = {
      updateSession: writer.updateSession.bind(writer),
      begin: () => writer.begin(),
      append: writer.append.bind(writer),
      end: (end: Parameters<TranscriptWriter['end']>[0]) => {
        const p = writer.end(end).finally(() => {
          this.writers.delete(writer);
          this.ending.delete(p);
        });
        this.ending.add(p);
        return p;
      },
    };
    return transcriptRecorder(sink);
  };

  /** Finish every recording: sessions still open are ended as "node stopped". */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of [...this.writers]) {
      const p = w.end({ reason: 'node stopped' });
      this.ending.add(p);
    }
    await Promise.all([...this.ending]);
  }
}
