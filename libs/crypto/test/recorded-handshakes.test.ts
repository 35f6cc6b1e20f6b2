import { fromHex, toHex } from '@tezos-p2p/encoding';
import { readFixtureJson } from '@tezos-p2p/fixtures';
import { describe, expect, it } from 'vitest';
import { generateNonces, identityFromFields, incrementNonce, peerIdOf } from '../src/index.js';
import { identityFromJson } from '@tezos-p2p/wire';
import { backends } from './backends.js';

interface Handshake {
  local_secret_key: string;
  local_public_key: string;
  sent_connection: string;
  recv_connection: string;
  channel_key: string;
  initial_local_nonce: string;
  initial_remote_nonce: string;
  sent_chunk_1_wire: string;
  sent_chunk_1_plaintext: string;
}
interface Chunk {
  index: number;
  nonce: string | null;
  wire: string;
  plaintext: string | null;
}
interface Session {
  local_identity: Record<string, string>;
  remote_public_key: string;
  remote_peer_id: string;
  channel_key: string;
  initial_local_nonce: string;
  initial_remote_nonce: string;
  sent: Chunk[];
  received: Chunk[];
}

const debuggerHandshakes = readFixtureJson<{ handshakes: Handshake[] }>(
  'derived/debugger_decrypt_rs_handshakes.json',
).handshakes;
const session = readFixtureJson<Session>('derived/tezedge_carthagenet_2020.json');

describe.each(backends)('%s backend', (_name, b) => {
  it.each(debuggerHandshakes.map((h, i) => [i, h] as const))(
    'real carthagenet handshake #%s: key, nonces, Metadata chunk',
    (_i, h) => {
      const remotePk = fromHex(h.recv_connection).subarray(4, 36);
      expect(toHex(b.publicKey(fromHex(h.local_secret_key)))).toBe(h.local_public_key);
      const k = b.precompute(fromHex(h.local_secret_key), remotePk);
      expect(toHex(k)).toBe(h.channel_key);
      const n = generateNonces(b, {
        incoming: false,
        sentMessage: fromHex(h.sent_connection),
        receivedMessage: fromHex(h.recv_connection),
      });
      expect(toHex(n.local)).toBe(h.initial_local_nonce);
      expect(toHex(n.remote)).toBe(h.initial_remote_nonce);
      const wire = fromHex(h.sent_chunk_1_wire);
      expect((wire[0]! << 8) | wire[1]!).toBe(wire.length - 2);
      expect(toHex(b.open(k, n.local, wire.subarray(2))!)).toBe(h.sent_chunk_1_plaintext);
      // The roles are not interchangeable: the swapped nonce must not open the chunk.
      expect(b.open(k, n.remote, wire.subarray(2))).toBeUndefined();
    },
  );

  it('carthagenet session: identity, channel key, nonces; every recorded chunk opens at its position', () => {
    const id = identityFromFields(identityFromJson(session.local_identity), b);
    expect(id.peerId).toBe(session.local_identity['peer_id']);
    expect(peerIdOf(b, fromHex(session.remote_public_key))).toBe(session.remote_peer_id);
    const k = b.precompute(id.secretKey.expose(), fromHex(session.remote_public_key));
    expect(toHex(k)).toBe(session.channel_key);
    const n = generateNonces(b, {
      incoming: false,
      sentMessage: fromHex(session.sent[0]!.wire),
      receivedMessage: fromHex(session.received[0]!.wire),
    });
    expect(toHex(n.local)).toBe(session.initial_local_nonce);
    expect(toHex(n.remote)).toBe(session.initial_remote_nonce);
    for (const [chunks, base] of [
      [session.sent, n.local],
      [session.received, n.remote],
    ] as const) {
      for (const c of chunks.slice(1)) {
        // chunk i (1-based after the connection message) uses the initial nonce + (i - 1)
        const nonce = incrementNonce(base, c.index - 1);
        expect(toHex(nonce)).toBe(c.nonce);
        const plain = b.open(k, nonce, fromHex(c.wire).subarray(2));
        expect(plain && toHex(plain)).toBe(c.plaintext);
      }
    }
  });
});
