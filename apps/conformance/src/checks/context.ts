import { type CryptoBackend, getCryptoBackend } from '@tezos-p2p/crypto';
import type { Direction, Transcript, TranscriptRecord } from '@tezos-p2p/transcript';

export type Side = 'SENT' | 'RECEIVED';

/** What the checks share about one transcript: its records sorted by role, and plaintexts as they become known. */
export class ReplayContext {
  readonly backend: CryptoBackend = getCryptoBackend();
  readonly connection: Partial<Record<Side, Uint8Array>> = {};
  /** CHUNK records per direction, by chunk index. */
  readonly chunks: Record<Side, Map<number, TranscriptRecord>> = { SENT: new Map(), RECEIVED: new Map() };
  /** Plaintext of each chunk: recorded, or decrypted by the decrypt check. */
  readonly plaintexts = new Map<TranscriptRecord, Uint8Array>();
  readonly values: TranscriptRecord[] = [];

  constructor(readonly transcript: Transcript) {
    for (const r of transcript.records) {
      const side = sideOf(r.direction);
      if (r.layer === 'CONNECTION_MESSAGE' && side !== undefined) this.connection[side] ??= r.wire!;
      else if (r.layer === 'CHUNK' && side !== undefined && r.chunkIndex !== undefined) {
        this.chunks[side].set(r.chunkIndex, r);
        if (r.plaintext !== undefined) this.plaintexts.set(r, r.plaintext);
      } else if (r.layer !== 'CONNECTION_MESSAGE' && r.layer !== 'CHUNK') this.values.push(r);
    }
  }

  get session() {
    return this.transcript.session;
  }

  /** True on the accepting side; undefined when the transcript does not say. */
  get incoming(): boolean | undefined {
    const r = this.session.localRole;
    return r === 'RESPONDER' ? true : r === 'INITIATOR' ? false : undefined;
  }

  /** Chunks of a direction in index order. */
  sorted(side: Side): TranscriptRecord[] {
    return [...this.chunks[side].entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  }

  /** The plaintext of chunk `index` of `side`, if known. */
  plaintext(side: Side, index: number): Uint8Array | undefined {
    const r = this.chunks[side].get(index);
    return r && this.plaintexts.get(r);
  }
}

function sideOf(d: Direction): Side | undefined {
  return d === 'SENT' || d === 'RECEIVED' ? d : undefined;
}
