import { readFixtureJson } from '@tezos-p2p/fixtures';
import type { Transcript } from '@tezos-p2p/transcript';
import { connectionRecord, endpointOf, hex } from '../common.js';

interface Vector {
  readonly sent_msg: string;
  readonly recv_msg: string;
  readonly incoming: boolean;
  readonly expected_local: string;
  readonly expected_remote: string;
}

/**
 * Two connection messages of a 2018 sandbox (fixture #4) with the nonces tezedge expects for each
 * role. No channel key is known: the transcripts carry the connection messages and the nonces the
 * replay must derive from them.
 */
export function nonceVectors(): Transcript[] {
  const { generate_nonces } = readFixtureJson<{ generate_nonces: Vector[] }>(
    'tezedge/crypto_vectors/nonce_vectors.json',
  );
  return generate_nonces.map((v) => {
    const sent = hex(v.sent_msg);
    const received = hex(v.recv_msg);
    const { chainName, ...local } = endpointOf(sent);
    const { chainName: _c, ...remote } = endpointOf(received);
    const role = v.incoming ? 'responder' : 'initiator';
    return {
      formatVersion: 1,
      session: {
        name: `sandbox-2018-nonces-${role}`,
        description: `The connection messages of a 2018 sandbox handshake, seen by the ${role}, with the nonces it must derive.`,
        provenance: {
          origin: 'DERIVED',
          source:
            'tezedge/tezedge crypto/src/nonce.rs tests (same copy in tezos/tezos-mirror sdk/rust/crypto/src/nonce.rs) @ 56b3129d',
          notes:
            'the connection messages look like a real 2018 sandbox capture; the expected nonces were computed by tezedge',
        },
        localRole: v.incoming ? 'RESPONDER' : 'INITIATOR',
        chainName,
        local,
        remote,
        keys: { localNonce: hex(v.expected_local), remoteNonce: hex(v.expected_remote) },
        notes: ['no channel key: only the nonce derivation and the connection messages are checked'],
      },
      records: [connectionRecord('SENT', sent), connectionRecord('RECEIVED', received)],
    };
  });
}
