import { describe, expect, it } from 'vitest';
import {
  type ShellMessage,
  B58_PREFIXES,
  type B58Kind,
  HashFormatError,
  SHELL_MESSAGE_KINDS,
  SHELL_MESSAGE_TAGS,
  fromB58Check,
  protocolTimestampToJson,
  shellMessageKindOfTag,
  shellMessageToJson,
  toB58Check,
} from '../src/index.js';
import { bytesOf, pathOf } from './helpers.js';

describe('kind names and tags', () => {
  it('are exactly the cases of distributed_db_message.ml', () => {
    expect(SHELL_MESSAGE_TAGS).toEqual({
      Get_current_branch: 0x10,
      Current_branch: 0x11,
      Deactivate: 0x12,
      Get_current_head: 0x13,
      Current_head: 0x14,
      Get_block_headers: 0x20,
      Block_header: 0x21,
      Get_operations: 0x30,
      Operation: 0x31,
      Get_protocols: 0x40,
      Protocol: 0x41,
      Get_operations_for_blocks: 0x60,
      Operations_for_blocks: 0x61,
      Get_checkpoint: 0x70,
      Checkpoint: 0x71,
      Get_protocol_branch: 0x80,
      Protocol_branch: 0x81,
      Get_predecessor_header: 0x90,
      Predecessor_header: 0x91,
    });
    for (const k of SHELL_MESSAGE_KINDS) expect(shellMessageKindOfTag(SHELL_MESSAGE_TAGS[k])).toBe(k);
    expect(shellMessageKindOfTag(0x02)).toBeUndefined();
  });
});

describe('Base58Check names', () => {
  const lengths: Record<B58Kind, number> = {
    chainId: 15,
    block: 51,
    operation: 51,
    operationList: 52,
    operationListList: 53,
    protocol: 51,
    context: 52,
  };
  for (const kind of Object.keys(lengths) as B58Kind[]) {
    it(`${kind}: starts with ${B58_PREFIXES[kind].starts}, ${lengths[kind]} characters, and parses back`, () => {
      for (const fill of [0x00, 0x5a, 0xff]) {
        const b = bytesOf(B58_PREFIXES[kind].size, fill);
        const s = toB58Check(kind, b);
        expect(s.startsWith(B58_PREFIXES[kind].starts)).toBe(true);
        expect(s).toHaveLength(lengths[kind]);
        expect(fromB58Check(kind, s)).toEqual(b);
      }
    });
  }

  it('well-known names', () => {
    expect(toB58Check('chainId', Uint8Array.of(0x7a, 0x06, 0xa7, 0x70))).toBe('NetXdQprcVkpaWU');
    // Mainnet's genesis block and protocol hashes, as Octez prints them.
    const genesis = fromB58Check('block', 'BLockGenesisGenesisGenesisGenesisGenesisf79b5d1CoW2');
    expect(toB58Check('block', genesis)).toBe('BLockGenesisGenesisGenesisGenesisGenesisf79b5d1CoW2');
    expect(
      toB58Check('protocol', fromB58Check('protocol', 'Ps9mPmXaRzmzk35gbAYNCAw6UXdE2qoABTHbN2oEEc1qM7CwT9P')),
    ).toBe('Ps9mPmXaRzmzk35gbAYNCAw6UXdE2qoABTHbN2oEEc1qM7CwT9P');
  });

  it('wrong lengths, bad checksums and other kinds are HashFormatError', () => {
    for (const f of [
      () => toB58Check('block', bytesOf(31)),
      () => fromB58Check('block', 'BLockGenesisGenesisGenesisGenesisGenesisf79b5d1CoW3'),
      () => fromB58Check('protocol', 'BLockGenesisGenesisGenesisGenesisGenesisf79b5d1CoW2'),
    ]) {
      expect(f).toThrow(HashFormatError);
      try {
        f();
      } catch (e) {
        expect((e as HashFormatError).code).toBe('INVALID_HASH');
      }
    }
  });
});

describe('timestamps as Time.Protocol JSON', () => {
  it('RFC 3339 in Ptime range, decimal seconds outside', () => {
    expect(protocolTimestampToJson(0n)).toBe('1970-01-01T00:00:00Z');
    expect(protocolTimestampToJson(1577290829n)).toBe('2019-12-25T16:20:29Z');
    expect(protocolTimestampToJson(-62167219200n)).toBe('0000-01-01T00:00:00Z');
    expect(protocolTimestampToJson(-62167219201n)).toBe('-62167219201');
    expect(protocolTimestampToJson(253402300799n)).toBe('9999-12-31T23:59:59Z');
    expect(protocolTimestampToJson(253402300800n)).toBe('253402300800');
    expect(protocolTimestampToJson(-(1n << 63n))).toBe('-9223372036854775808');
  });
});

describe('shellMessageToJson: Octez field names', () => {
  const chainId = Uint8Array.of(0x7a, 0x06, 0xa7, 0x70);
  const net = 'NetXdQprcVkpaWU';
  const h = (i: number) => bytesOf(32, i);
  const header = {
    shell: {
      level: 7,
      protoLevel: 2,
      predecessor: h(1),
      timestamp: 0n,
      validationPasses: 4,
      operationsHash: h(2),
      fitness: [Uint8Array.of(1), Uint8Array.of()],
      context: h(3),
    },
    protocolData: Uint8Array.of(0xab, 0xcd),
  };
  const headerJson = {
    level: 7,
    proto: 2,
    predecessor: toB58Check('block', h(1)),
    timestamp: '1970-01-01T00:00:00Z',
    validation_pass: 4,
    operations_hash: toB58Check('operationListList', h(2)),
    fitness: ['01', ''],
    context: toB58Check('context', h(3)),
    protocol_data: 'abcd',
  };
  const locator = { currentHead: header, history: [h(4)] };
  const locatorJson = { current_head: headerJson, history: [toB58Check('block', h(4))] };
  const op = { branch: h(5), data: Uint8Array.of(1, 2) };
  const opJson = { branch: toB58Check('block', h(5)), data: '0102' };

  const cases: [ShellMessage, unknown][] = [
    [{ kind: 'Get_current_branch', chainId }, { get_current_branch: net }],
    [
      { kind: 'Current_branch', chainId, locator },
      { chain_id: net, current_branch: locatorJson },
    ],
    [{ kind: 'Deactivate', chainId }, { deactivate: net }],
    [{ kind: 'Get_current_head', chainId }, { get_current_head: net }],
    [
      { kind: 'Current_head', chainId, header, mempool: { knownValid: [h(6)], pending: [] } },
      {
        chain_id: net,
        current_block_header: headerJson,
        current_mempool: { known_valid: [toB58Check('operation', h(6))], pending: [] },
      },
    ],
    [{ kind: 'Get_block_headers', hashes: [h(1)] }, { get_block_headers: [toB58Check('block', h(1))] }],
    [{ kind: 'Block_header', header }, { block_header: headerJson }],
    [{ kind: 'Get_operations', hashes: [h(1)] }, { get_operations: [toB58Check('operation', h(1))] }],
    [{ kind: 'Operation', operation: op }, { operation: opJson }],
    [{ kind: 'Get_protocols', hashes: [h(1)] }, { get_protocols: [toB58Check('protocol', h(1))] }],
    [
      {
        kind: 'Protocol',
        protocol: {
          expectedEnvVersion: 3,
          components: [
            { name: 'A', implementation: 'let x = 1' },
            { name: 'B', interface: 'val x : int', implementation: Uint8Array.of(0x78, 0xff) },
          ],
        },
      },
      {
        protocol: {
          expected_env_version: 3,
          components: [
            { name: 'A', implementation: 'let x = 1' },
            { name: 'B', interface: 'val x : int', implementation: 'x\ufffd' },
          ],
        },
      },
    ],
    [
      { kind: 'Get_operations_for_blocks', blocks: [{ hash: h(1), validationPass: -1 }] },
      { get_operations_for_blocks: [{ hash: toB58Check('block', h(1)), validation_pass: -1 }] },
    ],
    [
      {
        kind: 'Operations_for_blocks',
        hash: h(1),
        validationPass: 2,
        path: pathOf([
          { side: 'Left', hash: h(7) },
          { side: 'Right', hash: h(8) },
        ]),
        operations: [op],
      },
      {
        operations_for_block: { hash: toB58Check('block', h(1)), validation_pass: 2 },
        operation_hashes_path: {
          path: { left: toB58Check('operationListList', h(8)), path: {} },
          right: toB58Check('operationListList', h(7)),
        },
        operations: [opJson],
      },
    ],
    [{ kind: 'Get_checkpoint', chainId }, { get_checkpoint: net }],
    [{ kind: 'Checkpoint', chainId, header }, { checkpoint: { chain_id: net, header: headerJson } }],
    [{ kind: 'Get_protocol_branch', chainId, protoLevel: 5 }, { get_protocol_branch: { chain: net, proto_level: 5 } }],
    [
      { kind: 'Protocol_branch', chainId, protoLevel: 5, locator },
      { protocol_branch: { chain: net, proto_level: 5, locator: locatorJson } },
    ],
    [
      { kind: 'Get_predecessor_header', block: h(1), offset: -3 },
      { get_predecessor_header: { block: toB58Check('block', h(1)), offset: -3 } },
    ],
    [
      { kind: 'Predecessor_header', block: h(1), offset: 3, header },
      { predecessor_header: { block: toB58Check('block', h(1)), offset: 3, header: headerJson } },
    ],
  ];

  it('covers every kind', () => {
    expect(new Set(cases.map(([m]) => m.kind))).toEqual(new Set(SHELL_MESSAGE_KINDS));
  });
  for (const [m, json] of cases) {
    it(m.kind, () => {
      expect(shellMessageToJson(m)).toStrictEqual(json);
    });
  }
});
