import { readdirSync } from 'node:fs';
import { fixturePath, readFixtureBytes, readFixtureText } from '@tezos-p2p/fixtures';
import { concatBytes } from '@tezos-p2p/encoding';

/**
 * Real bytes from the shared conformance fixtures (via libs/fixtures) that the recorded transcripts do
 * not already hold: identity.json files of real nodes, and TezEdge's captured message bodies. Absent
 * fixtures (a checkout without ../shared) leave the seeds empty rather than failing.
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

function tryRead<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

let cached: FixtureSeeds | undefined;

export function fixtureSeeds(): FixtureSeeds {
  if (cached !== undefined) return cached;
  const identityDirs = ['tezedge/identities', 'tezedge-debugger/identities'];
  const identityFiles = identityDirs.flatMap((d) =>
    tryRead(
      () => readdirSync(fixturePath(d)).filter((f) => f.endsWith('.json')).map((f) => readFixtureText(`${d}/${f}`)),
      [] as string[],
    ),
  );
  const shellPayloads = SHELL_RESOURCES.flatMap(([file, tag]) => tryRead(() => [{ tag, payload: readFixtureBytes(`tezedge/resources/${file}`) }], [])).filter((p) => p.payload.length <= MAX_SEED);
  const body = tryRead(() => readFixtureBytes('tezedge/resources/connection.msg'), undefined);
  const connectionMessages = body === undefined ? [] : [concatBytes([Uint8Array.of(body.length >> 8, body.length & 0xff), body])];
  const acks = tryRead(() => [readFixtureBytes('tezedge/resources/ack.msg')], []);
  cached = { identityFiles, shellPayloads, connectionMessages, acks };
  return cached;
}
