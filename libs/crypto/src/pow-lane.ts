import type { BackendName } from './backend.js';
import { loadSodium } from './backend-native.js';
import { hashMeetsTarget } from './pow.js';
import { incrementNonceInPlace } from './nonce.js';
import { getCryptoBackend } from './select-backend.js';

/**
 * One lane of the proof-of-work search. With `lanes` lanes, lane j tests the stamps
 * start + j, start + j + lanes, start + j + 2·lanes, …, so together they cover Octez's sequential
 * search (start, start+1, …) and the lowest solution index is the same whatever the lane count.
 */
export interface LaneParams {
  readonly backend: BackendName;
  readonly publicKey: Uint8Array;
  readonly start: Uint8Array;
  readonly lane: number;
  readonly lanes: number;
  readonly targetLE: Uint8Array;
}

export interface LaneCursor {
  /** Stamps of this lane checked so far. */
  checked: number;
  /** Lane-local step of the solution, once found. */
  found?: number;
}

/** A hasher over a fixed `pk ‖ stamp` buffer: the hot loop allocates nothing on the native backend. */
export function createLane(p: LaneParams): {
  cursor: LaneCursor;
  stamp: () => Uint8Array;
  run: (budget: number) => boolean;
} {
  const backend = getCryptoBackend(p.backend);
  const input = new Uint8Array(56);
  input.set(p.publicKey, 0);
  input.set(p.start, 32);
  const stamp = input.subarray(32);
  if (p.lane > 0) incrementNonceInPlace(stamp, p.lane);
  const cursor: LaneCursor = { checked: 0 };
  const hash = nativeHasher(backend.name) ?? ((i: Uint8Array) => backend.blake2b(32, [i]));
  return {
    cursor,
    stamp: () => Uint8Array.from(stamp),
    /** Test up to `budget` stamps; true once a solution is found (the stamp then stays on it). */
    run(budget) {
      if (cursor.found !== undefined) return true;
      for (let i = 0; i < budget; i++) {
        const h = hash(input);
        if (hashMeetsTarget(h, p.targetLE)) {
          cursor.found = cursor.checked;
          cursor.checked++;
          return true;
        }
        cursor.checked++;
        incrementNonceInPlace(stamp, p.lanes);
      }
      return false;
    },
  };
}

function nativeHasher(name: BackendName): ((input: Uint8Array) => Uint8Array) | undefined {
  if (name !== 'native') return undefined;
  const s = loadSodium();
  if (!s) return undefined;
  const out = new Uint8Array(32);
  return (input) => {
    s.crypto_generichash(out, input);
    return out;
  };
}
