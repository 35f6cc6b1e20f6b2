import type { Acl } from '@tezos-p2p/acl';
import type { CryptoBackend } from '@tezos-p2p/crypto';
import type { Clock, EventBus, Rng } from '@tezos-p2p/events';
import type { PeerId, PeerMetadataConfig, Point } from '@tezos-p2p/wire';
import { PoolError } from './errors.js';
import type { ReconnectionConfig } from './reconnection.js';

/** A high and a low watermark: reaching `max` collects the table down to `target`. */
export interface TableBounds {
  readonly max: number;
  readonly target: number;
}

/** `P2p_pool.config` plus what Octez takes from elsewhere (reconnection, metadata, clock). */
export interface PoolOptions<PeerMeta> {
  /** Our own peer id (from the identity). */
  readonly peerId: PeerId;
  /** Bootstrap and `--peer` points, trusted, each with an optional expected peer id. */
  readonly trustedPoints?: readonly { readonly point: Point; readonly expectedPeerId?: PeerId | undefined }[];
  /** peers.json path; absent or `/dev/null` for no persistence. */
  readonly peersFile?: string | undefined;
  /** Only trusted points are dialled and accepted (default false). */
  readonly privateMode?: boolean;
  /** Default { max: 400, target: 300 }; `null` disables the GC. */
  readonly maxKnownPoints?: TableBounds | null;
  /** Default { max: 400, target: 300 }; `null` disables the GC. */
  readonly maxKnownPeerIds?: TableBounds | null;
  /** Default 1023. */
  readonly peerGreylistSize?: number;
  /** Default 2048. */
  readonly ipGreylistSizeInKilobytes?: number;
  /** Default 86 400 000 ms (one day). */
  readonly ipGreylistCleanupDelayMs?: number;
  /** Point reconnection back-off (defaults: ×1.2 from 1 s up to 2 days; 60 s after a disconnection). */
  readonly reconnection?: Partial<ReconnectionConfig>;
  readonly peerMetadata: PeerMetadataConfig<PeerMeta>;
  readonly bus?: EventBus;
  readonly clock?: Clock;
  readonly rng?: Rng;
  /**
   * peers.json is also written this often while the pool lives, when the table changed since the last
   * write (Octez writes it only at `destroy`); `null`: only at `destroy`. Default 60 000 ms.
   */
  readonly peersFileSaveIntervalMs?: number | null;
  /** Told of a failed periodic save (`PEERS_FILE_WRITE_FAILED`); the next period tries again. */
  readonly onPeersFileError?: (e: PoolError) => void;
  /** Supply an ACL to share it or to configure it further; by default one is built from the sizes above. */
  readonly acl?: Acl;
  readonly backend?: CryptoBackend;
}

export const DEFAULT_TABLE_BOUNDS: TableBounds = Object.freeze({ max: 400, target: 300 });

export const DEFAULT_PEERS_FILE_SAVE_INTERVAL_MS = 60_000;

export function checkSaveInterval(ms: number | null): number | null {
  if (ms !== null && !(Number.isInteger(ms) && ms > 0))
    throw new PoolError('INVALID_CONFIG', `peersFileSaveIntervalMs: need a positive integer or null, got ${ms}`);
  return ms;
}

export function checkBounds(name: string, b: TableBounds | null | undefined): TableBounds | undefined {
  if (b === null) return undefined;
  const v = b ?? DEFAULT_TABLE_BOUNDS;
  if (!(Number.isInteger(v.max) && Number.isInteger(v.target) && v.target >= 0 && v.target <= v.max)) {
    throw new PoolError(
      'INVALID_CONFIG',
      `${name}: need integers 0 <= target <= max, got max ${v.max}, target ${v.target}`,
    );
  }
  return v;
}
