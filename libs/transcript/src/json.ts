import type { Transcript } from './types.js';

/** A readable JSON view (bytes as hex) for inspection and diffs; not a storage format. */
export function transcriptToJson(t: Transcript): unknown {
  return JSON.parse(
    JSON.stringify(t, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)),
  );
}
