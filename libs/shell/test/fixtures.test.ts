/**
 * Every real shell message in the conformance fixtures decodes and re-encodes byte for byte.
 * See conformance/fixtures/README.md (at the repository root) for where each recording comes from.
 */
import { FrameReader, decode, encode, fromHex, toHex } from '@tezos-p2p/encoding';
import { readFixtureBytes, readFixtureJson, readFixtureJsonLines, readFixtureText } from '@tezos-p2p/fixtures';
import { type P2pMessage, p2pMessageEncoding } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import {
  type ShellMessage,
  type ShellMessageOf,
  SHELL_MESSAGE_TAGS,
  decodeShellMessage,
  encodeShellMessage,
  shellAppMessages,
  shellMessageToJson,
  toB58Check,
} from '../src/index.js';

const p2p = p2pMessageEncoding<ShellMessage>({ app: shellAppMessages });

/** Decode a whole P2P message and demand the exact same bytes back. */
function roundTrip(frame: Uint8Array): P2pMessage<ShellMessage> {
  const m = decode(p2p, frame);
  expect(toHex(encode(p2p, m))).toBe(toHex(frame));
  return m;
}

function count(into: Map<string, number>, key: string): void {
  into.set(key, (into.get(key) ?? 0) + 1);
}

const nameOf = (m: P2pMessage<ShellMessage>): string => (m.kind === 'Message' ? m.message.kind : m.kind);

describe('tezedge/resources: mainnet message bodies (no size, no tag)', () => {
  const bodies: [string, ShellMessage['kind']][] = [
    ['get-current-branch', 'Get_current_branch'],
    ['current-branch.big', 'Current_branch'],
    ['get-current-head', 'Get_current_head'],
    ['current-head.big', 'Current_head'],
    ['get-block-headers', 'Get_block_headers'],
    ['block-header', 'Block_header'],
    ['get-operations-for-blocks', 'Get_operations_for_blocks'],
    ['operations-for-blocks.huge', 'Operations_for_blocks'],
  ];
  const load = <K extends ShellMessage['kind']>(file: string, kind: K): ShellMessageOf<K> => {
    const m = decodeShellMessage(SHELL_MESSAGE_TAGS[kind], readFixtureBytes(`tezedge/resources/${file}.msg`));
    expect(m.kind).toBe(kind);
    return m as ShellMessageOf<K>;
  };

  for (const [file, kind] of bodies) {
    it(`${file}.msg is a ${kind} and re-encodes byte for byte`, () => {
      const body = readFixtureBytes(`tezedge/resources/${file}.msg`);
      const m = load(file, kind);
      const raw = encodeShellMessage(m);
      expect(raw.tag).toBe(SHELL_MESSAGE_TAGS[kind]);
      expect(toHex(raw.payload)).toBe(toHex(body));
      JSON.stringify(shellMessageToJson(m));
    });
  }

  it('the requests name the mainnet chain (NetXdQprcVkpaWU)', () => {
    for (const [file, kind] of [
      ['get-current-branch', 'Get_current_branch'],
      ['get-current-head', 'Get_current_head'],
    ] as const) {
      const m = load(file, kind);
      expect(toHex(m.chainId)).toBe('7a06a770');
      expect(toB58Check('chainId', m.chainId)).toBe('NetXdQprcVkpaWU');
    }
  });

  it('current-branch.big: head at level 1420188 and its history', () => {
    const m = load('current-branch.big', 'Current_branch');
    expect(m.locator.currentHead.shell.level).toBe(1420188);
    expect(m.locator.currentHead.shell.fitness.map(toHex)).toEqual(['01', '00000000000bab9c']);
    expect(shellMessageToJson(m)).toMatchObject({
      chain_id: 'NetXdQprcVkpaWU',
      current_branch: {
        current_head: { level: 1420188, proto: 8, timestamp: '2021-04-08T15:18:19Z', validation_pass: 4 },
      },
    });
    expect(m.locator.history.length).toBeGreaterThan(100);
    expect(m.locator.history.length).toBeLessThanOrEqual(1000);
  });

  it('current-head.big: header at level 1343487 and a mempool', () => {
    const m = load('current-head.big', 'Current_head');
    expect(m.header.shell.level).toBe(1343487);
    expect(m.mempool.knownValid.length + m.mempool.pending.length).toBeGreaterThan(0);
    const j = shellMessageToJson(m) as { current_mempool: { known_valid: string[] } };
    for (const h of j.current_mempool.known_valid) expect(h).toMatch(/^o[1-9A-HJ-NP-Za-km-z]{50}$/);
  });

  it('block-header: level 610079, fitness [00, 00000000012631b2]', () => {
    const m = load('block-header', 'Block_header');
    expect(shellMessageToJson(m)).toMatchObject({
      block_header: { level: 610079, proto: 4, timestamp: '2019-09-16T08:35:28Z', fitness: ['00', '00000000012631b2'] },
    });
  });

  it('get-operations-for-blocks: 10 keys, the most a request may hold', () => {
    expect(load('get-operations-for-blocks', 'Get_operations_for_blocks').blocks).toHaveLength(10);
    expect(load('get-block-headers', 'Get_block_headers').hashes).toHaveLength(2);
  });

  it('operations-for-blocks.huge: a two-level path of Right steps and its operations', () => {
    const m = load('operations-for-blocks.huge', 'Operations_for_blocks');
    expect(m.validationPass).toBe(3);
    expect(m.path.kind).toBe('Right');
    const j = shellMessageToJson(m) as { operation_hashes_path: unknown };
    expect(j.operation_hashes_path).toEqual({
      left: 'LLobDnq6zVq1aV3HCdThDYLw7QAuf5p7ug6WYp2YTo3pyEM92pXwM',
      path: { left: 'LLoab6HSMYz2tsJtKr13UyfYzN8D8FnB3VjA5s1EgD9bJRRz4zVyT', path: {} },
    });
    expect(m.operations.length).toBeGreaterThan(100);
  });
});

describe('tezedge/early_2019: a whole 2019 alphanet Current_branch (size and tag included)', () => {
  it('decodes with p2pMessageEncoding({ app: shellAppMessages }) and re-encodes byte for byte', () => {
    const frame = fromHex(readFixtureText('tezedge/early_2019/current_branch_alphanet_2019.hex').trim());
    const m = roundTrip(frame);
    expect(m.kind).toBe('Message');
    const msg = (m as { message: ShellMessage }).message as ShellMessageOf<'Current_branch'>;
    expect(msg.kind).toBe('Current_branch');
    expect(toHex(msg.chainId)).toBe('8eceda2f');
    expect(msg.locator.currentHead.shell.level).toBe(198392);
    expect(msg.locator.history).toHaveLength(141);
    expect(shellMessageToJson(msg)).toMatchObject({
      chain_id: 'NetXgtSLGNJvNye',
      current_branch: { current_head: { timestamp: '2019-02-25T11:23:08Z' } },
    });
  });
});

describe('tezedge-debugger ocaml_node_record: an OCaml node and a carthagenet peer', () => {
  interface Rec {
    remote_addr: string;
    incoming: boolean;
    debugger_plaintext: string;
    debugger_kind: string;
  }
  const handshake = new Set(['connection_message', 'metadata_message', 'ack_message']);

  it('every application message, reassembled per direction and peer, round-trips; counts as recorded', () => {
    const recs = readFixtureJsonLines<Rec>('tezedge-debugger/ocaml_node_record.jsonl');
    const streams = new Map<string, FrameReader>();
    const kinds = new Map<string, number>();
    for (const r of recs) {
      if (handshake.has(r.debugger_kind)) continue;
      const key = `${r.remote_addr} ${r.incoming}`;
      const reader = streams.get(key) ?? new FrameReader();
      streams.set(key, reader);
      reader.push(fromHex(r.debugger_plaintext));
      for (let f = reader.next(); f; f = reader.next())
        count(kinds, `${r.incoming ? 'received' : 'sent'} ${nameOf(roundTrip(f))}`);
    }
    for (const reader of streams.values()) expect(reader.buffered).toBe(0);
    expect(Object.fromEntries(kinds)).toEqual({
      'sent Get_current_branch': 3,
      'sent Current_branch': 2,
      'sent Get_block_headers': 293,
      'sent Get_operations': 8,
      'received Get_current_branch': 2,
      'received Current_branch': 3,
      'received Current_head': 9,
      'received Block_header': 291,
      'received Operation': 12,
    });
  });
});

describe('derived/tezedge_carthagenet_2020: tezedge and a public carthagenet peer', () => {
  interface Chunk {
    index: number | string;
    plaintext: string | null;
  }
  const d = readFixtureJson<{ sent: Chunk[]; received: Chunk[] }>('derived/tezedge_carthagenet_2020.json');

  it('the contiguous sent stream (chunks 3+) round-trips message by message', () => {
    const reader = new FrameReader();
    const kinds = new Map<string, number>();
    for (const c of d.sent.slice(3)) {
      reader.push(fromHex(c.plaintext!));
      for (let f = reader.next(); f; f = reader.next()) count(kinds, nameOf(roundTrip(f)));
    }
    expect(reader.buffered).toBe(0);
    expect(Object.fromEntries(kinds)).toEqual({
      Get_current_branch: 1,
      Current_branch: 2,
      Get_block_headers: 76,
      Get_operations_for_blocks: 119,
    });
  });

  it('received chunks that hold one whole message round-trip', () => {
    const kinds = new Map<string, number>();
    let partial = 0;
    for (const c of d.received.slice(3)) {
      const b = fromHex(c.plaintext!);
      // The capture after chunk 4 is lossy: keep only chunks whose size prefix covers exactly the chunk.
      if (b.length < 4 || new DataView(b.buffer, b.byteOffset).getUint32(0) + 4 !== b.length) {
        partial++;
        continue;
      }
      count(kinds, nameOf(roundTrip(b)));
    }
    expect(partial).toBe(0);
    expect(Object.fromEntries(kinds)).toEqual({
      Get_current_branch: 2,
      Block_header: 60,
      Operations_for_blocks: 41,
      Current_head: 6,
      Operation: 1,
      Bootstrap: 1,
    });
  });
});
