import fc from 'fast-check';
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
} from '@tezos-p2p/shell';
import {
  type Ack,
  type ConnectionMessage,
  type NetworkVersion,
  type P2pMessage,
  type PeerId,
  type Point,
  type RawAppMessage,
  CHAIN_NAMES,
  formatIpv6,
  makePoint,
  nackMotiveFromCode,
  peerIdFromBytes,
} from '@tezos-p2p/wire';

/** Valid values of the wire and shell types, whose encodings seed the mutation-based inputs. */

export const bytesN = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
const uint8 = fc.nat(255);
const int8 = fc.integer({ min: -128, max: 127 });
const uint16 = fc.nat(0xffff);
const int16 = fc.integer({ min: -0x8000, max: 0x7fff });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

/** Text of bytes 0–255, as latin1 strings hold them (chain names). */
export const latin1 = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.nat(255).map((c) => String.fromCharCode(c)), maxLength });

export const ipv4: fc.Arbitrary<string> = fc.tuple(uint8, uint8, uint8, uint8).map((q) => q.join('.'));
/** IPv6 addresses, often with runs of zero groups and embedded IPv4 (which exercise '::' and the dotted tail). */
export const ipv6: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: uint16 }), {
    minLength: 8,
    maxLength: 8,
  })
  .map((groups) => {
    const b = new Uint8Array(16);
    groups.forEach((g, i) => {
      b[2 * i] = g >> 8;
      b[2 * i + 1] = g & 0xff;
    });
    return formatIpv6(b);
  });

export const point: fc.Arbitrary<Point> = fc
  .record({ ip: fc.oneof(ipv4, ipv6), port: uint16 })
  .map(({ ip, port }) => makePoint(ip, port));
export const peerId: fc.Arbitrary<PeerId> = bytesN(16).map(peerIdFromBytes);

export const networkVersion: fc.Arbitrary<NetworkVersion> = fc.record({
  chainName: fc.oneof(fc.constantFrom(...Object.values(CHAIN_NAMES)), latin1(40)),
  distributedDbVersion: fc.oneof(fc.nat(3), uint16),
  p2pVersion: fc.oneof(fc.nat(2), uint16),
});

export const connectionMessage: fc.Arbitrary<ConnectionMessage> = fc.record({
  port: fc.option(fc.integer({ min: 1, max: 0xffff }), { nil: undefined }),
  publicKey: bytesN(32),
  proofOfWorkStamp: bytesN(24),
  messageNonce: bytesN(24),
  version: networkVersion,
});

export const metadata = fc.record({ disableMempool: fc.boolean(), privateNode: fc.boolean() });

const points = fc.oneof(
  { weight: 6, arbitrary: fc.array(point, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(point, { minLength: 98, maxLength: 101 }) },
);

export const ack: fc.Arbitrary<Ack> = fc.oneof(
  fc.constant<Ack>({ kind: 'Ack' }),
  fc.constant<Ack>({ kind: 'Nack_v_0' }),
  fc
    .record({ motive: fc.oneof(fc.nat(6), int16).map(nackMotiveFromCode), points })
    .map(({ motive, points: ps }): Ack => ({ kind: 'Nack', motive, potentialPeersToConnect: ps.slice(0, 100) })),
);

export const rawApp: fc.Arbitrary<RawAppMessage> = fc.record({
  tag: fc.integer({ min: 0x10, max: 0xffff }),
  payload: fc.uint8Array({ maxLength: 64 }),
});

/** P2P messages with the given application messages. */
export function p2pMessage<M>(app: fc.Arbitrary<M>): fc.Arbitrary<P2pMessage<M>> {
  return fc.oneof(
    fc.constant<P2pMessage<M>>({ kind: 'Disconnect' }),
    fc.constant<P2pMessage<M>>({ kind: 'Bootstrap' }),
    fc
      .record({
        points: fc.oneof(
          { weight: 6, arbitrary: fc.array(point, { maxLength: 6 }) },
          { weight: 1, arbitrary: fc.array(point, { minLength: 99, maxLength: 100 }) },
        ),
      })
      .map(({ points: ps }): P2pMessage<M> => ({ kind: 'Advertise', points: ps })),
    fc.record({ kind: fc.constantFrom('Swap_request' as const, 'Swap_ack' as const), point, peerId }),
    { weight: 3, arbitrary: app.map((message): P2pMessage<M> => ({ kind: 'Message', message })) },
  );
}

// ---- shell ----

export const hash = bytesN(32);
export const chainId = bytesN(4);

export const blockHeader: fc.Arbitrary<BlockHeader> = fc.record({
  shell: fc.record({
    level: int32,
    protoLevel: uint8,
    predecessor: hash,
    timestamp: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    validationPasses: uint8,
    operationsHash: hash,
    fitness: fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 3 }),
    context: hash,
  }),
  protocolData: fc.uint8Array({ maxLength: 48 }),
});

const locator: fc.Arbitrary<BlockLocator> = fc.record({
  currentHead: blockHeader,
  history: fc.array(hash, { maxLength: 6 }),
});
const mempool: fc.Arbitrary<Mempool> = fc.record({
  knownValid: fc.array(hash, { maxLength: 4 }),
  pending: fc.array(hash, { maxLength: 4 }),
});
const operation: fc.Arbitrary<Operation> = fc.record({ branch: hash, data: fc.uint8Array({ maxLength: 48 }) });
const text: fc.Arbitrary<ProtocolText> = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.uint8Array({ maxLength: 12 }).map((b) => Uint8Array.from([0xff, ...b])),
);
const component: fc.Arbitrary<ProtocolComponent> = fc
  .record({ name: text, interface: fc.option(text, { nil: undefined }), implementation: text })
  .map(({ interface: i, ...rest }) => (i === undefined ? rest : { ...rest, interface: i }));
const protocol: fc.Arbitrary<Protocol> = fc.record({
  expectedEnvVersion: fc.nat(17),
  components: fc.array(component, { maxLength: 3 }),
});

function pathOf(steps: readonly { side: 'Left' | 'Right'; hash: Uint8Array }[]): OperationListPath {
  let p: OperationListPath = { kind: 'Op' };
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    p = s.side === 'Left' ? { kind: 'Left', path: p, right: s.hash } : { kind: 'Right', left: s.hash, path: p };
  }
  return p;
}
const path: fc.Arbitrary<OperationListPath> = fc
  .array(fc.record({ side: fc.constantFrom<'Left' | 'Right'>('Left', 'Right'), hash }), { maxLength: 3 })
  .map(pathOf);
const hashes = fc.array(hash, { maxLength: 10 });

const shellArbitraries: Record<ShellMessageKind, fc.Arbitrary<ShellMessage>> = {
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
    operations: fc.array(operation, { maxLength: 4 }),
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

export const shellMessage: fc.Arbitrary<ShellMessage> = fc.oneof(...Object.values(shellArbitraries));
