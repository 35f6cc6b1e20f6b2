import { readdirSync } from 'node:fs';
import { fixturePath, readFixtureBytes, readFixtureText } from '@tezos-p2p/fixtures';
import { concatBytes } from '@tezos-p2p/encoding';

/**
 * Real bytes from the conformance fixtures kept in the repository (via libs/fixtures) that the
 * recorded transcripts do not already hold: identity.json files of real nodes, and TezEdge's captured
 * message bodies. A missing fixture is an error: seeds silently left empty would weaken every target.
 */

export interface FixtureSeeds {
  /** identity.json texts, as their tools wrote them. */
  readonly identityFiles: readonly string[];
  /** Shell message payloads with their tag (bodies without the `[u32 size][u16 tag]` header). */
  readonly shellPayloads: readonly { readonly tag: number; readonly payload: Uint8Array }[];
  /** Framed connection messages. */
  readonly connectionMessages: readonly Uint8Array[];
  /** Ack / Nack plaintexts. */
  readonly acks: readonly Uint8Array[];
}

/** Bodies larger than this stay out of the mutation corpus (each mutation copies its input). */
const MAX_SEED = 8 * 1024;

const SHELL_RESOURCES: readonly (readonly [file: string, tag: number])[] = [
  ['get-current-branch.msg', 0x10],
  ['current-branch.big.msg', 0x11],
  ['get-current-head.msg', 0x13],
  ['get-block-headers.msg', 0x20],
  ['block-header.msg', 0x21],
  ['get-operations-for-blocks.msg', 0x60],
];

let cached: FixtureSeeds | undefined;

export function fixtureSeeds(): FixtureSeeds {
  if (cached !== undefined) return cached;
  const identityDirs = ['tezedge/identities', 'tezedge-debugger/identities'];
  const identityFiles = identityDirs.flatMap((d) =>
    readdirSync(fixturePath(d))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => readFixtureText(`${d}/${f}`)),
  );
  const shellPayloads = SHELL_RESOURCES.map(([file, tag]) => ({
    tag,
    payload: readFixtureBytes(`tezedge/resources/${file}`),
  })).filter((p) => p.payload.length <= MAX_SEED);
  const body = readFixtureBytes('tezedge/resources/connection.msg');
  const connectionMessages = [concatBytes([Uint8Array.of(body.length >> 8, body.length & 0xff), body])];
  const acks = [readFixtureBytes('tezedge/resources/ack.msg')];
  cached = { identityFiles, shellPayloads, connectionMessages, acks };
  return cached;
}
