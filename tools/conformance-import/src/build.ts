import type { Transcript } from '@tezos-p2p/transcript';
import { debuggerHandshakes } from './sources/debugger-handshakes.js';
import { nonceVectors } from './sources/nonce-vectors.js';
import { ocamlNodeRecord } from './sources/ocaml-node-record.js';
import { alphanetCurrentBranch, octezNetworkVersion, tezedgeResources } from './sources/single-values.js';
import { tezedgeCarthagenet } from './sources/tezedge-carthagenet.js';

/** Every transcript the fixtures yield, built deterministically (same bytes on every run). */
export function buildTranscripts(): Transcript[] {
  return [
    tezedgeCarthagenet(),
    ...debuggerHandshakes(),
    ...ocamlNodeRecord(),
    ...nonceVectors(),
    tezedgeResources(),
    alphanetCurrentBranch(),
    octezNetworkVersion(),
  ];
}

/** Name prefixes of imported transcripts; other files in the directory (recordings, hand-made cases) are left alone. */
export const IMPORTED_PREFIXES = [
  'carthagenet-',
  'ocaml-node-',
  'sandbox-2018-',
  'mainnet-values-',
  'alphanet-',
  'octez-codec-',
] as const;

export function isImported(name: string): boolean {
  return IMPORTED_PREFIXES.some((p) => name.startsWith(p));
}
