import fc from 'fast-check';
import { bytesEqual } from '@tezos-p2p/encoding';
import {
  type B58Kind,
  B58_PREFIXES,
  SHELL_MESSAGE_TAGS,
  decodeShellMessage,
  encodeShellMessage,
  fromB58Check,
  shellMessageToJson,
  toB58Check,
} from '@tezos-p2p/shell';
import * as A from '../arbitraries.js';
import { corpus } from '../corpus.js';
import { fixtureSeeds } from '../fixtures.js';
import { applyMutations, garbage, mutatedText, mutations } from '../mutate.js';
import { mostlyPooled, pooled } from '../pool.js';
import { hugeClaims } from '../claims.js';
import { type FuzzTarget, OracleViolation, hex, showJson } from '../target.js';

export interface ShellInput {
  readonly tag: number;
  readonly payload: Uint8Array;
}

const TAGS = Object.values(SHELL_MESSAGE_TAGS);

function shellInput(): fc.Arbitrary<ShellInput> {
  const fixtures = [...corpus().appPayloads, ...fixtureSeeds().shellPayloads];
  const valid = mostlyPooled(A.shellMessage.map((m) => encodeShellMessage(m)));
  const anyTag = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TAGS) }, { weight: 1, arbitrary: fc.nat(0xffff) });
  /** Usually the payload's own tag; sometimes another one. */
  const otherTag = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anyTag });
  const arms: fc.WeightedArbitrary<ShellInput>[] = [
    { weight: 2, arbitrary: valid },
    {
      weight: 6,
      arbitrary: fc
        .tuple(valid, mutations(4), otherTag)
        .map(([v, ms, tag]) => ({ tag: tag ?? v.tag, payload: applyMutations(v.payload, ms) })),
    },
    { weight: 2, arbitrary: fc.record({ tag: anyTag, payload: garbage(128) }) },
  ];
  if (fixtures.length > 0) {
    const real = fc.constantFrom(...fixtures);
    arms.push(
      { weight: 1, arbitrary: real },
      {
        weight: 5,
        arbitrary: fc
          .tuple(real, mutations(4), otherTag)
          .map(([f, ms, tag]) => ({ tag: tag ?? f.tag, payload: applyMutations(f.payload, ms) })),
      },
    );
  }
  return fc.oneof(...arms);
}

/**
 * `decodeShellMessage(tag, payload)` for every tag and random ones. A decoded message re-encodes to
 * exactly the same tag and payload (the shell README's guarantee) and renders as JSON.
 */
function runShell({ tag, payload }: ShellInput): void {
  const msg = decodeShellMessage(tag, payload);
  const again = encodeShellMessage(msg);
  if (again.tag !== tag || !bytesEqual(again.payload, payload))
    throw new OracleViolation(
      'oracle',
      `${msg.kind} re-encodes as 0x${again.tag.toString(16)} ${hex(again.payload, 128)}`,
    );
  JSON.stringify(shellMessageToJson(msg));
}

export interface B58Input {
  readonly kind: B58Kind;
  readonly text: string;
}

const KINDS = Object.keys(B58_PREFIXES) as B58Kind[];
const names = pooled(
  fc.tuple(fc.constantFrom(...KINDS), A.hash).map(([k, h]) => toB58Check(k, k === 'chainId' ? h.subarray(0, 4) : h)),
);
const b58Input: fc.Arbitrary<B58Input> = fc.record({
  kind: fc.constantFrom(...KINDS),
  text: fc.oneof(names, mutatedText(names, 2), fc.string({ maxLength: 60 })),
});

/** `fromB58Check` accepts only canonical names of its own kind. */
function runB58({ kind, text }: B58Input): void {
  const bytes = fromB58Check(kind, text);
  if (toB58Check(kind, bytes) !== text) throw new OracleViolation('oracle', `${JSON.stringify(text)} is not canonical`);
}

export function shellTargets(): FuzzTarget<unknown>[] {
  const message: FuzzTarget<ShellInput> = {
    name: 'shell.message',
    description:
      'decodeShellMessage(tag, payload) for every tag and random tags: generated, recorded mainnet/carthagenet payloads, mutated; exact re-encoding, JSON',
    async: false,
    arbitrary: shellInput(),
    allocation: {
      claims: pooled(
        A.shellMessage.map((m) => encodeShellMessage(m)),
        128,
      ).chain((v) => hugeClaims(fc.constant(v.payload)).map((payload) => ({ tag: v.tag, payload }))),
      size: (x) => x.payload.length,
    },
    run: runShell,
    show: (x) => showJson({ tag: x.tag, payload: hex(x.payload) }),
  };
  const b58: FuzzTarget<B58Input> = {
    name: 'shell.b58',
    description: 'fromB58Check for every hash kind on mutated names',
    async: false,
    arbitrary: b58Input,
    run: runB58,
    show: (x) => showJson(x),
  };
  return [message, b58] as FuzzTarget<unknown>[];
}
