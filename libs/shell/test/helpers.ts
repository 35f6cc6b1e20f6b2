import fc from 'fast-check';
import { DecodeError, EncodeError } from '@tezos-p2p/encoding';
import { expect } from 'vitest';
import type {
  BlockHeader,
  BlockLocator,
  Mempool,
  Operation,
  OperationListPath,
  Protocol,
  ProtocolComponent,
  ProtocolText,
  ShellMessage,
  ShellMessageKind,
} from '../src/index.js';

export const bytesOf = (n: number, fill = 0): Uint8Array => new Uint8Array(n).fill(fill);

export function u30(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

export function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

export function expectDecodeError(f: () => unknown, code: DecodeError['code']): DecodeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    expect((e as DecodeError).code).toBe(code);
    return e as DecodeError;
  }
  throw new Error(`expected a ${code} DecodeError`);
}

export function expectEncodeError(f: () => unknown, code: EncodeError['code']): EncodeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EncodeError);
    expect((e as EncodeError).code).toBe(code);
    return e as EncodeError;
  }
  throw new Error(`expected a ${code} EncodeError`);
}

// ---- arbitraries ----

export const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
export const chainId = fc.uint8Array({ minLength: 4, maxLength: 4 });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const uint8 = fc.integer({ min: 0, max: 255 });
const int8 = fc.integer({ min: -128, max: 127 });

export const blockHeader: fc.Arbitrary<BlockHeader> = fc.record({
  shell: fc.record({
    level: int32,
    protoLevel: uint8,
    predecessor: hash,
    timestamp: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    validationPasses: uint8,
    operationsHash: hash,
    fitness: fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 4 }),
    context: hash,
  }),
  protocolData: fc.uint8Array({ maxLength: 120 }),
});

export const locator: fc.Arbitrary<BlockLocator> = fc.record({
  currentHead: blockHeader,
  history: fc.array(hash, { maxLength: 30 }),
});
export const mempool: fc.Arbitrary<Mempool> = fc.record({
  knownValid: fc.array(hash, { maxLength: 12 }),
  pending: fc.array(hash, { maxLength: 12 }),
});
export const operation: fc.Arbitrary<Operation> = fc.record({ branch: hash, data: fc.uint8Array({ maxLength: 150 }) });

/** Text, or bytes that are certainly not UTF-8 (0xff never occurs in UTF-8), as the decoder returns them. */
const text: fc.Arbitrary<ProtocolText> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.uint8Array({ maxLength: 20 }).map((b) => Uint8Array.from([0xff, ...b])),
);
const component: fc.Arbitrary<ProtocolComponent> = fc
  .record({ name: text, interface: fc.option(text, { nil: undefined }), implementation: text })
  .map(({ interface: i, ...rest }) => (i === undefined ? rest : { ...rest, interface: i }));
export const protocol: fc.Arbitrary<Protocol> = fc.record({
  expectedEnvVersion: fc.integer({ min: 0, max: 17 }),
  components: fc.array(component, { maxLength: 5 }),
});

export function pathOf(steps: readonly { side: 'Left' | 'Right'; hash: Uint8Array }[]): OperationListPath {
  let p: OperationListPath = { kind: 'Op' };
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    p = s.side === 'Left' ? { kind: 'Left', path: p, right: s.hash } : { kind: 'Right', left: s.hash, path: p };
  }
  return p;
}

/** Paths up to depth 3: the most 8 validation passes allow. */
export const path: fc.Arbitrary<OperationListPath> = fc
  .array(fc.record({ side: fc.constantFrom<'Left' | 'Right'>('Left', 'Right'), hash }), { maxLength: 3 })
  .map(pathOf);

const hashes = fc.array(hash, { maxLength: 10 });

/** One arbitrary per kind: the Record type makes the compiler check that no case is forgotten. */
export const messageArbitraries: Record<ShellMessageKind, fc.Arbitrary<ShellMessage>> = {
  Get_current_branch: fc.record({ kind: fc.constant('Get_current_branch' as const), chainId }),
  Current_branch: fc.record({ kind: fc.constant('Current_branch' as const), chainId, locator }),
  Deactivate: fc.record({ kind: fc.constant('Deactivate' as const), chainId }),
  Get_current_head: fc.record({ kind: fc.constant('Get_current_head' as const), chainId }),
  Current_head: fc.record({ kind: fc.constant('Current_head' as const), chainId, header: blockHeader, mempool }),
  Get_block_headers: fc.record({ kind: fc.constant('Get_block_headers' as const), hashes }),
  Block_header: fc.record({ kind: fc.constant('Block_header' as const), header: blockHeader }),
  Get_operations: fc.record({ kind: fc.constant('Get_operations' as const), hashes }),
  Operation: fc.record({ kind: fc.constant('Operation' as const), operation }),
  Get_protocols: fc.record({ kind: fc.constant('Get_protocols' as const), hashes }),
  Protocol: fc.record({ kind: fc.constant('Protocol' as const), protocol }),
  Get_operations_for_blocks: fc.record({
    kind: fc.constant('Get_operations_for_blocks' as const),
    blocks: fc.array(fc.record({ hash, validationPass: int8 }), { maxLength: 10 }),
  }),
  Operations_for_blocks: fc.record({
    kind: fc.constant('Operations_for_blocks' as const),
    hash,
    validationPass: int8,
    path,
    operations: fc.array(operation, { maxLength: 6 }),
  }),
  Get_checkpoint: fc.record({ kind: fc.constant('Get_checkpoint' as const), chainId }),
  Checkpoint: fc.record({ kind: fc.constant('Checkpoint' as const), chainId, header: blockHeader }),
  Get_protocol_branch: fc.record({ kind: fc.constant('Get_protocol_branch' as const), chainId, protoLevel: uint8 }),
  Protocol_branch: fc.record({ kind: fc.constant('Protocol_branch' as const), chainId, protoLevel: uint8, locator }),
  Get_predecessor_header: fc.record({
    kind: fc.constant('Get_predecessor_header' as const),
    block: hash,
    offset: int32,
  }),
  Predecessor_header: fc.record({
    kind: fc.constant('Predecessor_header' as const),
    block: hash,
    offset: int32,
    header: blockHeader,
  }),
};

export const anyMessage: fc.Arbitrary<ShellMessage> = fc.oneof(...Object.values(messageArbitraries));
