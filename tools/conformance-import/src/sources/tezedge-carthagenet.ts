import { readFixtureJson, readFixtureText } from '@tezos-p2p/fixtures';
import type { Transcript, TranscriptRecord } from '@tezos-p2p/transcript';
import { connectionRecord, endpointOf, hex, kindOfLabel, nonceAt, splitFrames } from '../common.js';

interface DerivedChunk {
  readonly index: number;
  readonly wire: string;
  readonly nonce: string | null;
  readonly plaintext: string | null;
  readonly decoded: Record<string, unknown> | null;
}
interface Derived {
  readonly local_identity: { peer_id: string; public_key: string; secret_key: string; proof_of_work_stamp: string };
  readonly remote_peer_id: string;
  readonly channel_key: string;
  readonly initial_local_nonce: string;
  readonly initial_remote_nonce: string;
  readonly sent: readonly DerivedChunk[];
  readonly received: readonly DerivedChunk[];
}

const SOURCE =
  'tezedge/tezedge tezos/messages/benches/tezedge_communication.csv + identity.json @ 56b3129d (first commit 54169e8d, 2020-08-12)';

/**
 * The carthagenet session tezedge recorded as initiator (fixtures #1, #15). The sent side is taken
 * whole from the CSV (every chunk, its nonce being the initial one plus its index); plaintexts and
 * kinds come from the independent checker's derived transcript where it has them (the first 200 sent
 * chunks, the 114 whole received chunks the lossy capture kept), and are left absent elsewhere: the
 * replay decrypts those itself and checks that every message re-encodes.
 */
export function tezedgeCarthagenet(): Transcript {
  const d = readFixtureJson<Derived>('derived/tezedge_carthagenet_2020.json');
  const csv = readFixtureText('tezedge/benches/tezedge_communication.csv').trim().split('\n').slice(1);
  const sentStream = hex(
    csv
      .filter((l) => l.startsWith('Sent,'))
      .map((l) => l.slice(5))
      .join(''),
  );
  const [sentConnection, ...sentChunks] = splitFrames(sentStream);
  const receivedConnection = hex(d.received[0]!.wire);
  const localNonce = hex(d.initial_local_nonce);
  const remoteNonce = hex(d.initial_remote_nonce);
  const derivedSent = new Map(d.sent.filter((c) => c.index > 0).map((c) => [c.index - 1, c]));

  const records: TranscriptRecord[] = [
    connectionRecord('SENT', sentConnection!),
    connectionRecord('RECEIVED', receivedConnection),
  ];
  sentChunks.forEach((wire, i) => {
    const known = derivedSent.get(i);
    if (known !== undefined && known.wire !== Buffer.from(wire).toString('hex'))
      throw new Error(`sent chunk ${i}: the CSV and the derived transcript disagree`);
    const kind = kindOfLabel(known?.decoded);
    records.push({
      direction: 'SENT',
      layer: 'CHUNK',
      chunkIndex: i,
      wire,
      nonce: nonceAt(localNonce, i),
      ...(known?.plaintext != null ? { plaintext: hex(known.plaintext) } : {}),
      ...(kind !== undefined ? { kind } : {}),
    });
  });
  for (const c of d.received.slice(1)) {
    const kind = kindOfLabel(c.decoded);
    records.push({
      direction: 'RECEIVED',
      layer: 'CHUNK',
      chunkIndex: c.index - 1,
      wire: hex(c.wire),
      nonce: nonceAt(remoteNonce, c.index - 1),
      ...(c.plaintext !== null ? { plaintext: hex(c.plaintext) } : {}),
      ...(kind !== undefined ? { kind } : {}),
    });
  }
  const { chainName, ...local } = endpointOf(sentConnection!, {
    secretKey: hex(d.local_identity.secret_key),
    implementation: 'tezedge',
  });
  const { chainName: _c, ...remote } = endpointOf(receivedConnection);
  if (local.peerId !== d.local_identity.peer_id || remote.peerId !== d.remote_peer_id)
    throw new Error('peer ids disagree with the derived transcript');
  return {
    formatVersion: 1,
    session: {
      name: 'carthagenet-tezedge-2020',
      description:
        'One carthagenet connection recorded by tezedge (Rust) as initiator with a public identity; the remote is most likely an OCaml Octez node.',
      provenance: {
        origin: 'REAL_CAPTURE',
        source: SOURCE,
        recordedAt: '2020-08-12',
        plaintextSource:
          'independent checker (PyNaCl/libsodium), conformance/fixtures/derived/tezedge_carthagenet_2020.json',
      },
      localRole: 'INITIATOR',
      chainName,
      local,
      remote,
      keys: { channelKey: hex(d.channel_key), localNonce, remoteNonce },
      notes: [
        `sent side complete: ${sentChunks.length} chunks`,
        'received side lossy after chunk 3: only the records holding exactly one whole chunk are kept, at their position in the sequence',
      ],
    },
    records,
  };
}
