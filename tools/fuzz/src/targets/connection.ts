import fc from 'fast-check';
import {
  ChunkCipher,
  ConnectionError,
  IncomingMessages,
  MAX_CHUNK_PLAINTEXT,
  MESSAGE_PREALLOCATION_LIMIT,
} from '@tezos-p2p/connection';
import { getCryptoBackend } from '@tezos-p2p/crypto';
import { DecodeError, FrameReader, bytesEqual, concatBytes, encode } from '@tezos-p2p/encoding';
import { p2pMessageEncoding, rawAppMessages } from '@tezos-p2p/wire';
import * as A from '../arbitraries.js';
import { corpus } from '../corpus.js';
import { INTERESTING_INTS, type Mutation, applyMutations, garbage, mutated, mutations } from '../mutate.js';
import { mostlyPooled } from '../pool.js';
import { type FuzzTarget, OracleViolation, hex, showJson } from '../target.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const NONCE = Uint8Array.from({ length: 24 }, (_, i) => 255 - i);

// ---- ChunkCipher ----

export type CipherOp =
  | {
      readonly kind: 'sealed';
      readonly plain: Uint8Array;
      readonly mutations: readonly Mutation[] | undefined;
      readonly into: boolean;
    }
  | { readonly kind: 'garbage'; readonly body: Uint8Array; readonly into: boolean };

const cipherOps: fc.Arbitrary<CipherOp[]> = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('sealed' as const),
        plain: fc.uint8Array({ maxLength: 80 }),
        mutations: fc.oneof(fc.constant(undefined), mutations(3)),
        into: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('garbage' as const),
        body: fc.uint8Array({ maxLength: 40 }),
        into: fc.boolean(),
      }),
    },
  ),
  { minLength: 1, maxLength: 6 },
);

/**
 * `open` / `openInto` on sealed chunks (intact or mutated) and garbage bodies, with the nonces of both
 * sides tracked. The receiver's nonce advances on every body it tries to open, failed or not (as
 * Octez's `read_chunk`), but not on a body shorter than the tag, which is refused first. An intact chunk
 * opened under its sender's nonce must decrypt to its plaintext; anything else must fail with the
 * ConnectionError its length calls for (no forgery, no other error). Failures do not stop the sequence,
 * so the nonce model is checked across them.
 */
function runCipher(ops: readonly CipherOp[]): void {
  const backend = getCryptoBackend();
  const sender = new ChunkCipher(backend, KEY, NONCE);
  const receiver = new ChunkCipher(backend, KEY, NONCE);
  let sent = 0;
  let tried = 0;
  for (const op of ops) {
    let body: Uint8Array;
    let intact = false;
    let plain: Uint8Array | undefined;
    let index = -1;
    if (op.kind === 'sealed') {
      const chunk = sender.seal(op.plain).chunks[0]!.subarray(2);
      index = sent++;
      plain = op.plain;
      body = op.mutations ? applyMutations(chunk, op.mutations) : chunk;
      intact = bytesEqual(body, chunk);
    } else body = op.body;
    const shouldOpen = intact && index === tried;
    if (body.length >= 16) tried++;
    let out: Uint8Array;
    try {
      if (op.into) {
        out = new Uint8Array(Math.max(0, body.length - 16));
        receiver.openInto(body, out);
      } else out = receiver.open(body);
    } catch (e) {
      if (shouldOpen)
        throw new OracleViolation('oracle', `an intact chunk under its nonce failed to open: ${String(e)}`);
      const code = body.length < 16 ? 'INVALID_INCOMING_CIPHERTEXT_SIZE' : 'DECIPHER_ERROR';
      if (!(e instanceof ConnectionError) || e.code !== code)
        throw e instanceof ConnectionError
          ? new OracleViolation('oracle', `a ${body.length}-byte body failed with ${e.code}, not ${code}`)
          : e;
      continue;
    }
    if (!shouldOpen)
      throw new OracleViolation(
        'oracle',
        `a chunk that is not an intact chunk under its nonce opened: ${hex(body, 64)}`,
      );
    if (!bytesEqual(out, plain!)) throw new OracleViolation('oracle', 'an intact chunk decrypted to other bytes');
  }
}

// ---- IncomingMessages ----

export interface IncomingInput {
  /** The plaintext stream, in parts: P2P messages, mutated ones, garbage, huge size claims. */
  readonly parts: readonly Uint8Array[];
  readonly perChunk: number;
  /** Wire chunks to corrupt (index modulo the chunk count). */
  readonly corruptions: readonly { readonly chunk: number; readonly mutations: readonly Mutation[] }[];
  /** Socket read boundaries. */
  readonly cuts: readonly number[];
  readonly maxMessageSize: number;
  /**
   * Which messages the memory budget refuses at first (by order of their size): reassembly stalls at
   * that boundary and resumes after the next socket read (absent in older stored cases: none).
   */
  readonly refusals?: readonly boolean[];
}

const rawEncoding = p2pMessageEncoding({ opaque: rawAppMessages });

function claim(size: number, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + rest.length);
  new DataView(out.buffer).setUint32(0, size >>> 0);
  out.set(rest, 4);
  return out;
}

function incomingInput(): fc.Arbitrary<IncomingInput> {
  const frames = corpus().p2pFrames.filter((f) => f.length <= 2048);
  const valid = fc.oneof(
    mostlyPooled(A.p2pMessage(A.rawApp).map((m) => encode(rawEncoding, m))),
    ...(frames.length ? [fc.constantFrom(...frames)] : []),
  );
  const part = fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: mutated(valid, 2) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...INTERESTING_INTS), fc.uint8Array({ maxLength: 24 }))
        .map(([n, rest]) => claim(n, rest)),
    },
    { weight: 1, arbitrary: garbage(24) },
  );
  return fc.record({
    parts: fc.array(part, { minLength: 1, maxLength: 5 }),
    perChunk: fc.oneof(
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 1, max: 4096 }),
      fc.constant(MAX_CHUNK_PLAINTEXT),
    ),
    corruptions: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(fc.record({ chunk: fc.nat(), mutations: mutations(2) }), { minLength: 1, maxLength: 2 }),
      },
    ),
    cuts: fc.array(fc.nat(), { maxLength: 10 }),
    maxMessageSize: fc.oneof(
      { weight: 3, arbitrary: fc.constant(100 * 2 ** 20) },
      { weight: 1, arbitrary: fc.constantFrom(6, 64, 4096, 65536) },
    ),
    refusals: fc.array(fc.boolean(), { maxLength: 8 }),
  });
}

/**
 * Encrypted chunks of a plaintext stream, possibly corrupted, cut into arbitrary socket reads and fed
 * to `IncomingMessages` with a real ChunkCipher. Failures are ConnectionErrors only; without a
 * corruption the messages delivered are exactly the stream's frames, in order, up to the first size
 * the cap refuses.
 */
function runIncoming(input: IncomingInput): void {
  const backend = getCryptoBackend();
  const plain = concatBytes(input.parts);
  const sealed = new ChunkCipher(backend, KEY, NONCE).seal(plain, input.perChunk).chunks;
  const chunks = [...sealed];
  for (const k of input.corruptions) {
    const i = k.chunk % chunks.length;
    chunks[i] = applyMutations(chunks[i]!, k.mutations);
  }
  const corrupted = input.corruptions.length > 0 && chunks.some((c, i) => !bytesEqual(c, sealed[i]!));
  const wire = concatBytes(chunks);
  const cuts = [...new Set(input.cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
  const delivered: Uint8Array[] = [];
  let asked = 0;
  const incoming = new IncomingMessages(
    new ChunkCipher(backend, KEY, NONCE),
    input.maxMessageSize,
    (f) => delivered.push(Uint8Array.from(f)),
    () => input.refusals?.[asked++] !== true,
  );
  let failure: unknown;
  let at = 0;
  try {
    for (const cut of [...cuts, wire.length]) {
      if (cut > at) incoming.push(wire.subarray(at, cut));
      at = Math.max(at, cut);
      // A stalled message is admitted on a later read: what arrived meanwhile was kept, in order.
      if (incoming.stalled && cut < wire.length) incoming.resume();
    }
    while (incoming.stalled) incoming.resume();
  } catch (e) {
    failure = e;
  }
  if (!corrupted) {
    // The model: FrameReader over the plaintext, with the same cap.
    const reader = new FrameReader({ maxFrameSize: input.maxMessageSize - 4 });
    reader.push(plain);
    const expected: Uint8Array[] = [];
    let modelFailed = false;
    try {
      for (let f = reader.next(); f !== undefined; f = reader.next()) expected.push(f);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      modelFailed = true;
    }
    if (modelFailed !== (failure !== undefined))
      throw new OracleViolation(
        'oracle',
        `the stream ${modelFailed ? 'should fail' : 'should not fail'}: ${String(failure)}`,
      );
    if (delivered.length !== expected.length || delivered.some((f, i) => !bytesEqual(f, expected[i]!))) {
      throw new OracleViolation('oracle', `delivered ${delivered.length} messages, expected ${expected.length}`);
    }
  }
  if (failure !== undefined) throw failure;
}

export function connectionTargets(): FuzzTarget<unknown>[] {
  const cipher: FuzzTarget<CipherOp[]> = {
    name: 'connection.chunkCipher',
    description: 'ChunkCipher.open / openInto on intact, mutated and garbage chunk bodies with both nonces tracked',
    async: false,
    arbitrary: cipherOps,
    run: runCipher,
    show: (x) => showJson(x),
  };
  const incoming: FuzzTarget<IncomingInput> = {
    name: 'connection.incomingMessages',
    description:
      'IncomingMessages: encrypted chunks of valid / mutated / huge-claim messages, corrupted chunks, arbitrary read boundaries',
    async: false,
    arbitrary: incomingInput(),
    allocation: {
      // A message announcing up to the 100 MiB cap: the buffer starts at 2 MiB and grows only as bytes arrive.
      claims: fc.record({
        parts: fc
          .tuple(fc.constantFrom(100 * 2 ** 20 - 4, 64 * 2 ** 20, 4 * 2 ** 20), fc.uint8Array({ maxLength: 64 }))
          .map(([n, rest]) => [claim(n, rest)]),
        perChunk: fc.integer({ min: 1, max: 64 }),
        corruptions: fc.constant([]),
        cuts: fc.array(fc.nat(), { maxLength: 4 }),
        maxMessageSize: fc.constant(100 * 2 ** 20),
      }),
      size: (x) => {
        const plain = x.parts.reduce((n, p) => n + p.length, 0);
        return plain + 18 * Math.max(1, Math.ceil(plain / x.perChunk));
      },
      allowance: MESSAGE_PREALLOCATION_LIMIT + 2 * (2 + 0xffff),
    },
    run: runIncoming,
    show: (x) => showJson(x),
  };
  return [cipher, incoming] as FuzzTarget<unknown>[];
}
