import { readFixtureJson } from '@tezos-p2p/fixtures';
import type { Transcript } from '@tezos-p2p/transcript';
import { connectionRecord, endpointOf, hex } from '../common.js';

interface Handshake {
  readonly source_commit: string;
  readonly local_secret_key: string;
  readonly sent_connection: string;
  readonly recv_connection: string;
  readonly channel_key: string;
  readonly initial_local_nonce: string;
  readonly initial_remote_nonce: string;
  readonly sent_chunk_1_wire: string;
  readonly sent_chunk_1_plaintext: string;
}

/** The three outgoing carthagenet handshakes pasted into tezedge-debugger's decrypt.rs (fixtures #2, #15). */
export function debuggerHandshakes(): Transcript[] {
  const { handshakes } = readFixtureJson<{ handshakes: Handshake[] }>('derived/debugger_decrypt_rs_handshakes.json');
  return handshakes.map((h, i) => {
    const sent = hex(h.sent_connection);
    const received = hex(h.recv_connection);
    const { chainName, ...local } = endpointOf(sent, { secretKey: hex(h.local_secret_key) });
    const { chainName: _c, ...remote } = endpointOf(received);
    return {
      formatVersion: 1,
      session: {
        name: `carthagenet-debugger-handshake-${i + 1}`,
        description:
          'An outgoing carthagenet handshake: both connection messages and our first chunk (Metadata), with the sender’s secret key.',
        provenance: {
          origin: 'REAL_CAPTURE',
          source: `tezedge/tezedge-debugger src/bin/decrypt.rs @ ${h.source_commit}`,
          plaintextSource:
            'independent checker (PyNaCl/libsodium), conformance/fixtures/derived/debugger_decrypt_rs_handshakes.json',
        },
        localRole: 'INITIATOR',
        chainName,
        local,
        remote,
        keys: {
          channelKey: hex(h.channel_key),
          localNonce: hex(h.initial_local_nonce),
          remoteNonce: hex(h.initial_remote_nonce),
        },
        notes: ['the peer’s chunks were not recorded'],
      },
      records: [
        connectionRecord('SENT', sent),
        connectionRecord('RECEIVED', received),
        {
          direction: 'SENT',
          layer: 'CHUNK',
          chunkIndex: 0,
          wire: hex(h.sent_chunk_1_wire),
          nonce: hex(h.initial_local_nonce),
          plaintext: hex(h.sent_chunk_1_plaintext),
          kind: 'metadata',
        },
      ],
    };
  });
}
