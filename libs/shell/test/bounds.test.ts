import { decode, encode, int64 } from '@tezos-p2p/encoding';
import { type RawAppMessage, p2pMessageEncoding, rawAppMessages } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import {
  type BlockHeader,
  type ShellMessage,
  type ShellMessageOf,
  DEFAULT_SHELL_BOUNDS,
  blockHeaderEncoding,
  createShellCodec,
  decodeShellMessage,
  encodeShellMessage,
  merkleDepth,
  merklePathMaxSize,
  mempoolMaxSize,
  shellAppMessages,
  shellMessageEncoding,
  shellMessageKindOfTag,
} from '../src/index.js';
import { bytesOf, cat, expectDecodeError, expectEncodeError, pathOf, u30 } from './helpers.js';

const chain = bytesOf(4, 7);
const h = (i: number): Uint8Array => bytesOf(32, i);
const hashes = (n: number): Uint8Array => cat(...Array.from({ length: n }, (_, i) => h(i)));

/** A header with no fitness: 114 bytes of shell header, then `protocolData`. */
function header(protocolData: Uint8Array): BlockHeader {
  return {
    shell: {
      level: 1,
      protoLevel: 0,
      predecessor: h(1),
      timestamp: 0n,
      validationPasses: 4,
      operationsHash: h(2),
      fitness: [],
      context: h(3),
    },
    protocolData,
  };
}
// Unbounded, to build headers over the limit.
const headerBytes = (dataLength: number): Uint8Array => encode(blockHeaderEncoding, header(bytesOf(dataLength)));

describe('Octez defaults', () => {
  it('are the Bounded_encoding constants', () => {
    expect(DEFAULT_SHELL_BOUNDS).toEqual({
      blockHeaderMaxSize: 8388608,
      blockLocatorMaxLength: 1000,
      operationMaxSize: 131072,
      operationListMaxSize: 1048576,
      operationListMaxLength: undefined,
      operationMaxPass: 8,
      protocolMaxSize: 2097152,
      mempoolMaxOperations: 4000,
    });
    expect([1, 2, 3, 4, 5, 8, 9, 16, 17].map(merkleDepth)).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect(merklePathMaxSize(8)).toBe(100);
    expect(mempoolMaxSize(4000)).toBe(128008);
  });
});

describe('requests hold at most 10 keys', () => {
  const cases: [number, number][] = [
    [0x20, 32],
    [0x30, 32],
    [0x40, 32],
    [0x60, 33],
  ];
  for (const [tag, size] of cases) {
    it(`${shellMessageKindOfTag(tag)}: 10 decode, 11 are LIST_TOO_LONG`, () => {
      const keys = (n: number) => cat(u30(n * size), bytesOf(n * size));
      expect(() => decodeShellMessage(tag, keys(10))).not.toThrow();
      const e = expectDecodeError(() => decodeShellMessage(tag, keys(11)), 'LIST_TOO_LONG');
      expect(e.path[0]).toBe(shellMessageKindOfTag(tag));
    });
  }

  it('encoding 11 is refused too', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => h(i));
    expectEncodeError(() => encodeShellMessage({ kind: 'Get_block_headers', hashes: eleven }), 'LIST_TOO_LONG');
    expectEncodeError(() => encodeShellMessage({ kind: 'Get_operations', hashes: eleven }), 'LIST_TOO_LONG');
    expectEncodeError(() => encodeShellMessage({ kind: 'Get_protocols', hashes: eleven }), 'LIST_TOO_LONG');
    expectEncodeError(
      () =>
        encodeShellMessage({
          kind: 'Get_operations_for_blocks',
          blocks: eleven.map((hash) => ({ hash, validationPass: 0 })),
        }),
      'LIST_TOO_LONG',
    );
  });
});

describe('block locator: at most 1000 history hashes', () => {
  const branch = (n: number) => {
    const head = headerBytes(0);
    return cat(chain, u30(head.length), head, hashes(n));
  };
  it('1000 decode, 1001 are LIST_TOO_LONG (Current_branch and Protocol_branch)', () => {
    expect((decodeShellMessage(0x11, branch(1000)) as ShellMessageOf<'Current_branch'>).locator.history).toHaveLength(
      1000,
    );
    expectDecodeError(() => decodeShellMessage(0x11, branch(1001)), 'LIST_TOO_LONG');
    const protoBranch = (n: number) => cat(chain, [3], branch(n).subarray(4));
    expect(() => decodeShellMessage(0x81, protoBranch(1000))).not.toThrow();
    expectDecodeError(() => decodeShellMessage(0x81, protoBranch(1001)), 'LIST_TOO_LONG');
  });

  it('a smaller configured bound applies', () => {
    const codec = createShellCodec({ ...DEFAULT_SHELL_BOUNDS, blockLocatorMaxLength: 2 });
    expect(() => codec.decode(0x11, branch(2))).not.toThrow();
    expectDecodeError(() => codec.decode(0x11, branch(3)), 'LIST_TOO_LONG');
  });
});

describe('block header: at most 8 MiB', () => {
  const max = DEFAULT_SHELL_BOUNDS.blockHeaderMaxSize;
  it('exactly 8 MiB decodes, one more byte is SIZE_LIMIT_EXCEEDED, in every message carrying a header', () => {
    const ok = headerBytes(max - 114);
    const tooBig = headerBytes(max - 113);
    expect(ok.length).toBe(max);
    expect(() => decodeShellMessage(0x21, ok)).not.toThrow();
    expectDecodeError(() => decodeShellMessage(0x21, tooBig), 'SIZE_LIMIT_EXCEEDED');
    expectDecodeError(() => decodeShellMessage(0x71, cat(chain, tooBig)), 'SIZE_LIMIT_EXCEEDED');
    expectDecodeError(() => decodeShellMessage(0x91, cat(h(0), [0, 0, 0, 1], tooBig)), 'SIZE_LIMIT_EXCEEDED');
    const emptyMempool = cat(u30(0), u30(4), u30(0));
    expect(() => decodeShellMessage(0x14, cat(chain, u30(ok.length), ok, emptyMempool))).not.toThrow();
    expectDecodeError(
      () => decodeShellMessage(0x14, cat(chain, u30(tooBig.length), tooBig, emptyMempool)),
      'SIZE_LIMIT_EXCEEDED',
    );
    expectEncodeError(
      () => encodeShellMessage({ kind: 'Block_header', header: header(bytesOf(max - 113)) }),
      'SIZE_LIMIT_EXCEEDED',
    );
  });
});

describe('mempool: Octez bounds it to 8 + 32 × 4000 bytes', () => {
  const mempool = (known: number) => cat(u30(known * 32), hashes(known), u30(4), u30(0));
  const currentHead = (known: number) => {
    const head = headerBytes(0);
    return cat(chain, u30(head.length), head, mempool(known));
  };
  it('3999 hashes fit, 4000 do not (the bound counts two of the three length prefixes)', () => {
    expect(() => decodeShellMessage(0x14, currentHead(3999))).not.toThrow();
    expectDecodeError(() => decodeShellMessage(0x14, currentHead(4000)), 'SIZE_LIMIT_EXCEEDED');
    expectEncodeError(
      () =>
        encodeShellMessage({
          kind: 'Current_head',
          chainId: chain,
          header: header(bytesOf(0)),
          mempool: { knownValid: Array(4000).fill(h(0)), pending: [] },
        }),
      'SIZE_LIMIT_EXCEEDED',
    );
  });
});

describe('operations', () => {
  const max = DEFAULT_SHELL_BOUNDS.operationMaxSize!;
  it('an Operation message is at most 128 KiB', () => {
    expect(() => decodeShellMessage(0x31, bytesOf(max))).not.toThrow();
    expectDecodeError(() => decodeShellMessage(0x31, bytesOf(max + 1)), 'SIZE_LIMIT_EXCEEDED');
  });

  const opsForBlock = (path: Uint8Array, ops: Uint8Array[]) =>
    cat(h(9), [2], path, ...ops.map((o) => cat(u30(o.length), o)));
  const op = (n: number) => bytesOf(n, 1);

  it('each operation of Operations_for_blocks is at most 128 KiB', () => {
    expect(() => decodeShellMessage(0x61, opsForBlock(Uint8Array.of(0), [op(max)]))).not.toThrow();
    expectDecodeError(
      () => decodeShellMessage(0x61, opsForBlock(Uint8Array.of(0), [op(max + 1)])),
      'SIZE_LIMIT_EXCEEDED',
    );
  });

  it('the operation list is at most 1 MiB, prefixes included', () => {
    // 8 × (4 + 131068) = 1 MiB exactly.
    expect(() =>
      decodeShellMessage(
        0x61,
        opsForBlock(
          Uint8Array.of(0),
          Array.from({ length: 8 }, () => op(max - 4)),
        ),
      ),
    ).not.toThrow();
    expectDecodeError(
      () =>
        decodeShellMessage(
          0x61,
          opsForBlock(Uint8Array.of(0), [...Array.from({ length: 8 }, () => op(max - 4)), op(32)]),
        ),
      'SIZE_LIMIT_EXCEEDED',
    );
  });

  it('the Merkle path is at most 100 bytes: depth 3 for 8 validation passes', () => {
    const rights = (depth: number) => cat(...Array.from({ length: depth }, (_, i) => cat([0x0f], h(i))), [0]);
    expect(rights(3).length).toBe(100);
    const m = decodeShellMessage(0x61, opsForBlock(rights(3), []));
    expect(m).toMatchObject({
      kind: 'Operations_for_blocks',
      path: { kind: 'Right', path: { kind: 'Right', path: { kind: 'Right', path: { kind: 'Op' } } } },
    });
    expectDecodeError(() => decodeShellMessage(0x61, opsForBlock(rights(4), [])), 'SIZE_LIMIT_EXCEEDED');
    const deep = pathOf(Array.from({ length: 4 }, (_, i) => ({ side: 'Left' as const, hash: h(i) })));
    expectEncodeError(
      () =>
        encodeShellMessage({
          kind: 'Operations_for_blocks',
          hash: h(0),
          validationPass: 0,
          path: deep,
          operations: [],
        }),
      'SIZE_LIMIT_EXCEEDED',
    );
  });

  it('Left siblings come after the inner path, innermost first', () => {
    const path = pathOf([
      { side: 'Left', hash: h(0xa) },
      { side: 'Right', hash: h(0xb) },
      { side: 'Left', hash: h(0xc) },
    ]);
    const { payload } = encodeShellMessage({
      kind: 'Operations_for_blocks',
      hash: h(0),
      validationPass: 1,
      path,
      operations: [],
    });
    expect(payload.subarray(33)).toEqual(cat([0xf0, 0x0f], h(0xb), [0xf0, 0x00], h(0xc), h(0xa)));
    expect(decodeShellMessage(0x61, payload)).toMatchObject({ path });
  });

  it('an unknown path tag is UNEXPECTED_TAG', () => {
    expectDecodeError(() => decodeShellMessage(0x61, opsForBlock(Uint8Array.of(0x01), [])), 'UNEXPECTED_TAG');
  });

  it('a configured operation count bound applies (Octez has none by default)', () => {
    const codec = createShellCodec({ ...DEFAULT_SHELL_BOUNDS, operationListMaxLength: 1 });
    expect(() => codec.decode(0x61, opsForBlock(Uint8Array.of(0), [op(40)]))).not.toThrow();
    expectDecodeError(() => codec.decode(0x61, opsForBlock(Uint8Array.of(0), [op(40), op(40)])), 'LIST_TOO_LONG');
  });
});

describe('protocol', () => {
  const component = (impl: number) => cat(u30(1), [0x41], [0x00], u30(impl), bytesOf(impl, 0x61));
  const protocol = (env: number, ...components: Uint8Array[]) => {
    const body = cat(...components);
    return cat([env >> 8, env & 0xff], u30(body.length), body);
  };
  it('at most 2 MiB', () => {
    const max = DEFAULT_SHELL_BOUNDS.protocolMaxSize!;
    // 2 (env) + 4 (list) + 4 + 1 (name) + 1 (no interface) + 4 (implementation length) = 16 bytes around the text.
    expect(() => decodeShellMessage(0x41, protocol(0, component(max - 16)))).not.toThrow();
    expectDecodeError(() => decodeShellMessage(0x41, protocol(0, component(max - 15))), 'SIZE_LIMIT_EXCEEDED');
  });

  it('environment versions 0..17 only, as the current Octez source', () => {
    expect(decodeShellMessage(0x41, protocol(17))).toEqual({
      kind: 'Protocol',
      protocol: { expectedEnvVersion: 17, components: [] },
    });
    expectDecodeError(() => decodeShellMessage(0x41, protocol(18)), 'INVALID_VALUE');
    expectEncodeError(
      () => encodeShellMessage({ kind: 'Protocol', protocol: { expectedEnvVersion: 18, components: [] } }),
      'INVALID_VALUE',
    );
  });

  it('texts that are not UTF-8 are kept as bytes, so they re-encode exactly; a BOM is kept', () => {
    const latin1 = Uint8Array.of(0x63, 0xe9); // "cé" in Latin-1
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf, 0x78);
    const payload = protocol(3, cat(u30(2), latin1, [0xff], u30(4), bom, u30(1), [0x7a]));
    const m = decodeShellMessage(0x41, payload);
    expect(m).toEqual({
      kind: 'Protocol',
      protocol: { expectedEnvVersion: 3, components: [{ name: latin1, interface: '\ufeffx', implementation: 'z' }] },
    });
    expect(encodeShellMessage(m).payload).toEqual(payload);
    expectEncodeError(
      () =>
        encodeShellMessage({
          kind: 'Protocol',
          protocol: { expectedEnvVersion: 0, components: [{ name: '\ud800', implementation: '' }] },
        }),
      'INVALID_VALUE',
    );
  });
});

describe('tags', () => {
  it('an undefined shell tag is UNEXPECTED_TAG everywhere', () => {
    for (const tag of [0x01, 0x0f, 0x15, 0x22, 0x50, 0x62, 0x92, 0xffff]) {
      expect(shellMessageKindOfTag(tag)).toBeUndefined();
      expectDecodeError(() => decodeShellMessage(tag, new Uint8Array(0)), 'UNEXPECTED_TAG');
      expectDecodeError(() => decode(shellMessageEncoding, Uint8Array.of(tag >> 8, tag & 0xff)), 'UNEXPECTED_TAG');
    }
    const p2p = p2pMessageEncoding<ShellMessage>({ app: shellAppMessages });
    expectDecodeError(() => decode(p2p, Uint8Array.of(0, 0, 0, 3, 0x00, 0x15, 0x00)), 'UNEXPECTED_TAG');
    // A relay that keeps unknown application tags raw instead.
    const relay = p2pMessageEncoding<ShellMessage | RawAppMessage>({ app: shellAppMessages, opaque: rawAppMessages });
    expect(decode(relay, Uint8Array.of(0, 0, 0, 3, 0x00, 0x15, 0x00))).toEqual({
      kind: 'Message',
      message: { tag: 0x15, payload: Uint8Array.of(0) },
    });
  });

  it('trailing bytes after a payload are EXTRA_BYTES', () => {
    expectDecodeError(() => decodeShellMessage(0x10, bytesOf(5)), 'EXTRA_BYTES');
    expectDecodeError(() => decodeShellMessage(0x10, bytesOf(3)), 'NOT_ENOUGH_DATA');
  });

  it('an unknown kind cannot be encoded', () => {
    expectEncodeError(() => encodeShellMessage({ kind: 'Nope' } as unknown as ShellMessage), 'NO_CASE_MATCHED');
    expectEncodeError(
      () => encode(shellMessageEncoding, { kind: 'Nope' } as unknown as ShellMessage),
      'NO_CASE_MATCHED',
    );
  });

  it('Get_current_branch for mainnet is 00000006 0010 7a06a770 (spec vector)', () => {
    const p2p = p2pMessageEncoding<ShellMessage>({ app: shellAppMessages });
    const bytes = encode(p2p, {
      kind: 'Message',
      message: { kind: 'Get_current_branch', chainId: Uint8Array.of(0x7a, 0x06, 0xa7, 0x70) },
    });
    expect(Buffer.from(bytes).toString('hex')).toBe('0000000600107a06a770');
  });

  it('timestamps are int64 on the wire', () => {
    const m: ShellMessage = {
      kind: 'Block_header',
      header: { ...header(bytesOf(0)), shell: { ...header(bytesOf(0)).shell, timestamp: -1n } },
    };
    const { payload } = encodeShellMessage(m);
    expect(payload.subarray(37, 45)).toEqual(encode(int64, -1n));
  });
});
