import { fromHex, toHex, decode, FrameReader } from '@tezos-p2p/encoding';
import { readFixtureJson } from '@tezos-p2p/fixtures';
import {
  type ChannelNonces,
  getCryptoBackend,
  identityFromFields,
  incrementNonce,
  jsBackend,
  type CryptoBackend,
} from '@tezos-p2p/crypto';
import { identityFromJson, shellConnectionMetadataConfig, decodeConnectionMessageFrame } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { ChunkCipher, authenticate, createMemorySocketPair } from '../src/index.js';
import { rawEncoding, readBytes, recordingTap } from './helpers.js';

interface Chunk {
  index: number;
  nonce: string | null;
  wire: string;
  plaintext: string | null;
  decoded: Record<string, { kind?: string }> | null;
}
interface Session {
  local_identity: Record<string, string>;
  channel_key: string;
  initial_local_nonce: string;
  initial_remote_nonce: string;
  sent: Chunk[];
  received: Chunk[];
}
const session = readFixtureJson<Session>('derived/tezedge_carthagenet_2020.json');
const CARTHAGE = 'TEZOS_ALPHANET_CARTHAGE_2019-11-28T13:02:13Z';

const backends: [string, CryptoBackend][] = [
  ['native', getCryptoBackend('native')],
  ['js', jsBackend],
];

describe.each(backends)('replaying the recorded carthagenet session as the initiator (%s backend)', (_n, backend) => {
  it('writes the recorded bytes: connection message, Metadata, Ack and the first application messages; reads the peer chunks 0–4', async () => {
    const [ours, theirs] = createMemorySocketPair();
    const identity = identityFromFields(identityFromJson(session.local_identity), backend);
    const sentConn = decodeConnectionMessageFrame(fromHex(session.sent[0]!.wire));
    const authP = authenticate(ours, {
      identity,
      version: { chainName: CARTHAGE, distributedDbVersion: 0, p2pVersion: 1 },
      listeningPort: 9732,
      messageNonce: sentConn.messageNonce,
      expectedProofOfWork: 26,
      metadata: shellConnectionMetadataConfig(),
      incoming: false,
      remote: { ip: '1.2.3.4', port: 9732 },
      backend,
    });
    // Our connection message, byte for byte.
    expect(toHex(await readBytes(theirs, fromHex(session.sent[0]!.wire).length))).toBe(session.sent[0]!.wire);
    theirs.write(fromHex(session.received[0]!.wire));
    expect(toHex(await readBytes(theirs, 20))).toBe(session.sent[1]!.wire); // Metadata
    theirs.write(fromHex(session.received[1]!.wire));
    const authed = await authP;
    expect(authed.info.peerId).toBe('idtdVEDBSoi2auJJ9CmUaNnK4FSNk6');
    expect(authed.info.announcedVersion).toEqual({ chainName: CARTHAGE, distributedDbVersion: 0, p2pVersion: 1 });
    expect(authed.info.remoteMetadata).toEqual({ disableMempool: false, privateNode: false });

    const connP = authed.accept({ messageEncoding: rawEncoding });
    expect(toHex(await readBytes(theirs, 19))).toBe(session.sent[2]!.wire); // Ack
    // The peer's Ack and its first two messages arrive together, as on a real socket.
    theirs.write(fromHex(session.received[2]!.wire + session.received[3]!.wire + session.received[4]!.wire));
    const conn = await connP;
    for (const i of [3, 4]) {
      const m = await conn.recv();
      expect(m).toEqual(decode(rawEncoding, fromHex(session.received[i]!.plaintext!)));
      expect(m.kind === 'Message' && m.message.tag).toBe(0x10); // Get_current_branch
    }
    // The first application messages we send encrypt to the recorded chunks.
    const firstApp = session.sent.slice(3, 40);
    for (const c of firstApp) await conn.send(decode(rawEncoding, fromHex(c.plaintext!)));
    const expected = firstApp.map((c) => c.wire).join('');
    expect(toHex(await readBytes(theirs, expected.length / 2))).toBe(expected);
    conn.close();
  });
});

describe('replaying the recorded carthagenet session with a session tap', () => {
  it('the tap sees the recorded connection messages, keys, and every chunk with its recorded nonce, wire bytes and plaintext', async () => {
    const backend = getCryptoBackend();
    const [ours, theirs] = createMemorySocketPair();
    const { tap, rec } = recordingTap();
    const sentConn = decodeConnectionMessageFrame(fromHex(session.sent[0]!.wire));
    const authP = authenticate(ours, {
      identity: identityFromFields(identityFromJson(session.local_identity), backend),
      version: { chainName: CARTHAGE, distributedDbVersion: 0, p2pVersion: 1 },
      listeningPort: 9732,
      messageNonce: sentConn.messageNonce,
      expectedProofOfWork: 26,
      metadata: shellConnectionMetadataConfig(),
      incoming: false,
      remote: { ip: '1.2.3.4', port: 9732 },
      backend,
      tap,
    });
    await readBytes(theirs, fromHex(session.sent[0]!.wire).length);
    theirs.write(fromHex(session.received[0]!.wire));
    await readBytes(theirs, 20);
    theirs.write(fromHex(session.received[1]!.wire));
    const connP = (await authP).accept({ messageEncoding: rawEncoding });
    await readBytes(theirs, 19);
    theirs.write(fromHex(session.received[2]!.wire + session.received[3]!.wire + session.received[4]!.wire));
    const conn = await connP;
    await conn.recv();
    await conn.recv();
    const firstApp = session.sent.slice(3, 40);
    for (const c of firstApp) await conn.send(decode(rawEncoding, fromHex(c.plaintext!)));
    await readBytes(
      theirs,
      firstApp.reduce((n, c) => n + c.wire.length / 2, 0),
    );
    conn.close();
    await rec.ended;

    expect(toHex(rec.messages!.sent)).toBe(session.sent[0]!.wire);
    expect(toHex(rec.messages!.received)).toBe(session.received[0]!.wire);
    expect(rec.messages!.incoming).toBe(false);
    expect(toHex(rec.keys!.channelKey)).toBe(session.channel_key);
    expect(toHex(rec.keys!.localNonce)).toBe(session.initial_local_nonce);
    expect(toHex(rec.keys!.remoteNonce)).toBe(session.initial_remote_nonce);
    // The recording counts the connection message as chunk 0; the tap counts encrypted chunks from 0.
    const asRecorded = (c: {
      index: number;
      nonce: Uint8Array;
      wire: Uint8Array;
      plaintext: Uint8Array | undefined;
    }) => ({
      index: c.index + 1,
      nonce: toHex(c.nonce),
      wire: toHex(c.wire),
      plaintext: c.plaintext && toHex(c.plaintext),
    });
    const recorded = (c: Chunk) => ({ index: Number(c.index), nonce: c.nonce, wire: c.wire, plaintext: c.plaintext });
    expect(rec.sent.map(asRecorded)).toEqual(session.sent.slice(1, 40).map(recorded));
    expect(rec.received.map(asRecorded)).toEqual(session.received.slice(1, 5).map(recorded));
    expect(rec.ends).toEqual([{ reason: 'Unknown_reason' }]);
    expect(rec.errors).toEqual([]);
  });
});

describe('the later received chunks decrypt at their recorded positions', () => {
  it('every whole chunk the lossy capture kept opens at remote nonce + its index', () => {
    const b = getCryptoBackend();
    const nonces: ChannelNonces = {
      local: fromHex(session.initial_local_nonce),
      remote: fromHex(session.initial_remote_nonce),
    };
    let opened = 0;
    for (const c of session.received.slice(5)) {
      const cipher = new ChunkCipher(b, fromHex(session.channel_key), incrementNonce(nonces.remote, c.index - 1));
      const plain = cipher.open(fromHex(c.wire).subarray(2));
      expect(toHex(plain)).toBe(c.plaintext);
      opened++;
    }
    expect(opened).toBe(session.received.length - 5);
  });

  it('the sent stream (200 chunks) decrypts and decodes in order with one chunk cipher', () => {
    const cipher = new ChunkCipher(
      getCryptoBackend(),
      fromHex(session.channel_key),
      fromHex(session.initial_local_nonce),
    );
    const framer = new FrameReader();
    let messages = 0;
    for (const c of session.sent.slice(1)) {
      const plain = cipher.open(fromHex(c.wire).subarray(2));
      if (c.index <= 2) continue; // Metadata, Ack
      framer.push(plain);
      for (let f = framer.next(); f; f = framer.next()) {
        decode(rawEncoding, f);
        messages++;
      }
    }
    expect(messages).toBe(session.sent.length - 3);
  });
});

interface DebuggerHandshake {
  local_secret_key: string;
  local_public_key: string;
  sent_connection: string;
  recv_connection: string;
  sent_chunk_1_wire: string;
  sent_decoded: { proof_of_work_stamp: string; message_nonce: string };
}

describe('the three real debugger handshakes, driven as the initiator', () => {
  const hs = readFixtureJson<{ handshakes: DebuggerHandshake[] }>(
    'derived/debugger_decrypt_rs_handshakes.json',
  ).handshakes;
  it.each(hs.map((h, i) => [i, h] as const))(
    'handshake #%s: our connection message and Metadata chunk equal the recording',
    async (_i, h) => {
      const [ours, theirs] = createMemorySocketPair();
      const identity = identityFromFields({
        publicKey: fromHex(h.local_public_key),
        secretKey: fromHex(h.local_secret_key),
        proofOfWorkStamp: fromHex(h.sent_decoded.proof_of_work_stamp),
      });
      const authP = authenticate(ours, {
        identity,
        version: { chainName: CARTHAGE, distributedDbVersion: 0, p2pVersion: 1 },
        listeningPort: 9732,
        messageNonce: fromHex(h.sent_decoded.message_nonce),
        metadata: shellConnectionMetadataConfig(),
        incoming: false,
        remote: { ip: '1.2.3.4', port: 9732 },
      });
      expect(toHex(await readBytes(theirs, h.sent_connection.length / 2))).toBe(h.sent_connection);
      theirs.write(fromHex(h.recv_connection));
      expect(toHex(await readBytes(theirs, 20))).toBe(h.sent_chunk_1_wire);
      theirs.destroy();
      await expect(authP).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    },
  );
});
