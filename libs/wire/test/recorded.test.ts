import { FrameReader, decode, encode, fromHex, toHex } from '@tezos-p2p/encoding';
import { readFixtureBytes, readFixtureJson, readFixtureJsonLines } from '@tezos-p2p/fixtures';
import { describe, expect, it } from 'vitest';
import {
  type Ack,
  type RawAppMessage,
  ackEncoding,
  connectionMessageEncoding,
  decodeConnectionMessageFrame,
  encodeConnectionMessageFrame,
  makePoint,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataEncoding,
} from '../src/index.js';

const msg = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });

function reencodes(frameHex: string): void {
  const frame = fromHex(frameHex);
  expect(toHex(encodeConnectionMessageFrame(decodeConnectionMessageFrame(frame)))).toBe(frameHex);
}

describe('tezedge/resources (mainnet captures)', () => {
  it('connection.msg: a mainnet connection message body, PoW 26 identity, p2p 1, ddb 0', () => {
    const body = readFixtureBytes('tezedge/resources/connection.msg');
    const m = decode(connectionMessageEncoding, body);
    expect(m.version).toEqual({ chainName: 'TEZOS_MAINNET', distributedDbVersion: 0, p2pVersion: 1 });
    expect(m.publicKey.length).toBe(32);
    expect(encode(connectionMessageEncoding, m)).toEqual(body);
  });

  it('ack.msg: a real OCaml Nack(Too_many_connections) with 18 alternative points', () => {
    const bytes = readFixtureBytes('tezedge/resources/ack.msg');
    const ack = decode(ackEncoding, bytes) as Extract<Ack, { kind: 'Nack' }>;
    expect(ack.kind).toBe('Nack');
    expect(ack.motive).toEqual({ kind: 'Too_many_connections' });
    expect(ack.potentialPeersToConnect).toHaveLength(18);
    for (const p of ack.potentialPeersToConnect) expect(p.port).toBeGreaterThan(0);
    expect(encode(ackEncoding, ack)).toEqual(bytes);
  });
});

describe('raw connection messages in the recorded handshakes', () => {
  it('nonce vectors: 2018 sandbox messages (p2p 0, 45-byte chain name)', () => {
    const v = readFixtureJson<Record<string, unknown>>('tezedge/crypto_vectors/nonce_vectors.json');
    const hexes = JSON.stringify(v)
      .match(/"(0087[0-9a-f]{270})"/g)!
      .map((s) => s.slice(1, -1));
    expect(hexes.length).toBeGreaterThanOrEqual(2);
    for (const h of hexes) {
      const m = decodeConnectionMessageFrame(fromHex(h));
      expect(m.version).toEqual({
        chainName: 'SANDBOXED_TEZOS_ALPHANET_2018-11-30T15:30:56Z',
        distributedDbVersion: 0,
        p2pVersion: 0,
      });
      reencodes(h);
    }
    expect(decodeConnectionMessageFrame(fromHex(hexes[0]!)).port).toBe(19739);
  });

  it('debugger decrypt.rs handshakes (carthagenet)', () => {
    const d = readFixtureJson<{ handshakes: { sent_connection: string; recv_connection: string }[] }>(
      'derived/debugger_decrypt_rs_handshakes.json',
    );
    for (const h of d.handshakes) {
      reencodes(h.sent_connection);
      reencodes(h.recv_connection);
      expect(decodeConnectionMessageFrame(fromHex(h.recv_connection)).version.chainName).toBe(
        'TEZOS_ALPHANET_CARTHAGE_2019-11-28T13:02:13Z',
      );
    }
  });
});

interface Chunk {
  index: number;
  wire: string;
  plaintext: string | null;
  decoded: Record<string, { kind?: string }> | null;
}

describe('tezedge carthagenet session (tezedge <-> public peer)', () => {
  const d = readFixtureJson<{ sent: Chunk[]; received: Chunk[] }>('derived/tezedge_carthagenet_2020.json');

  it('both connection messages, Metadata and Ack decode and re-encode', () => {
    for (const side of [d.sent, d.received]) {
      reencodes(side[0]!.wire);
      const meta = fromHex(side[1]!.plaintext!);
      expect(decode(shellConnectionMetadataEncoding, meta)).toEqual({ disableMempool: false, privateNode: false });
      expect(encode(shellConnectionMetadataEncoding, decode(shellConnectionMetadataEncoding, meta))).toEqual(meta);
      expect(decode(ackEncoding, fromHex(side[2]!.plaintext!))).toEqual({ kind: 'Ack' });
    }
  });

  it('every message of the contiguous sent stream (198 chunks) decodes and re-encodes byte for byte', () => {
    const reader = new FrameReader();
    let count = 0;
    for (const c of d.sent.slice(3)) {
      reader.push(fromHex(c.plaintext!));
      for (let f = reader.next(); f; f = reader.next()) {
        expect(toHex(encode(msg, decode(msg, f)))).toBe(toHex(f));
        count++;
      }
    }
    expect(reader.buffered).toBe(0);
    expect(count).toBeGreaterThan(150);
  });

  it('received whole messages, including the peer Bootstrap, decode and re-encode', () => {
    let bootstrap = 0;
    for (const c of d.received.slice(3)) {
      if (!c.decoded || !('message' in c.decoded)) continue;
      const reader = new FrameReader();
      reader.push(fromHex(c.plaintext!));
      const f = reader.next();
      if (!f) continue; // a message continuing in chunks the capture lost
      const m = decode(msg, f);
      if (m.kind === 'Bootstrap') bootstrap++;
      expect(toHex(encode(msg, m))).toBe(toHex(f));
    }
    expect(bootstrap).toBe(1);
  });
});

describe('OCaml node recording (tezedge-debugger ocaml-node-record)', () => {
  interface Rec {
    remote_addr: string;
    incoming: boolean;
    wire_chunk: string;
    debugger_plaintext: string;
    debugger_kind: string;
  }
  const recs = readFixtureJsonLines<Rec>('tezedge-debugger/ocaml_node_record.jsonl');

  it('all 4 connection messages decode and re-encode; PoW stamps are 24 bytes', () => {
    const conns = recs.filter((r) => r.debugger_kind === 'connection_message');
    expect(conns).toHaveLength(4);
    for (const r of conns) reencodes(r.wire_chunk);
  });

  it('the OCaml node announces private_node = true in its Metadata; both Acks are plain Ack', () => {
    const meta = recs.filter((r) => r.debugger_kind === 'metadata_message');
    const ours = meta.find((r) => !r.incoming)!;
    expect(decode(shellConnectionMetadataEncoding, fromHex(ours.debugger_plaintext))).toEqual({
      disableMempool: false,
      privateNode: true,
    });
    for (const r of meta)
      expect(
        toHex(
          encode(
            shellConnectionMetadataEncoding,
            decode(shellConnectionMetadataEncoding, fromHex(r.debugger_plaintext)),
          ),
        ),
      ).toBe(r.debugger_plaintext);
    for (const r of recs.filter((x) => x.debugger_kind === 'ack_message'))
      expect(decode(ackEncoding, fromHex(r.debugger_plaintext))).toEqual({ kind: 'Ack' });
  });

  it('every application message stream decodes and re-encodes byte for byte, as OCaml wrote it', () => {
    const streams = new Map<string, FrameReader>();
    const kinds = new Map<number, number>();
    for (const r of recs) {
      if (['connection_message', 'metadata_message', 'ack_message'].includes(r.debugger_kind)) continue;
      const key = `${r.remote_addr}/${r.incoming}`;
      const reader = streams.get(key) ?? new FrameReader();
      streams.set(key, reader);
      reader.push(fromHex(r.debugger_plaintext));
      for (let f = reader.next(); f; f = reader.next()) {
        const m = decode(msg, f);
        if (m.kind === 'Message') kinds.set(m.message.tag, (kinds.get(m.message.tag) ?? 0) + 1);
        expect(toHex(encode(msg, m))).toBe(toHex(f));
      }
    }
    for (const reader of streams.values()) expect(reader.buffered).toBe(0);
    // Get_block_headers 0x20, Block_header 0x21, Operation 0x31, Current_head 0x14, Current_branch 0x11 …
    expect(kinds.get(0x20)).toBe(293);
    expect(kinds.get(0x21)).toBe(291);
  });

  it('points render as Octez prints them', () => {
    expect(makePoint('::ffff:51.15.220.7', 9732)).toEqual({ ip: '51.15.220.7', port: 9732 });
  });
});
