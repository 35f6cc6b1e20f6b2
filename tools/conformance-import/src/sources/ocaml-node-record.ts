import { readFixtureJsonLines } from '@tezos-p2p/fixtures';
import type { Transcript, TranscriptRecord } from '@tezos-p2p/transcript';
import { connectionRecord, endpointOf, hex } from '../common.js';

interface Row {
  readonly id: number;
  readonly timestamp_ns: number;
  readonly remote_addr: string;
  /** True: received by the OCaml node. */
  readonly incoming: boolean;
  readonly wire_chunk: string;
  readonly debugger_plaintext: string;
  readonly debugger_kind: string;
}

const SOURCE = 'tezedge/tezedge-debugger tests/ocaml-node-record/ @ dba406a7 (RocksDB export, 2020-10-19)';
const PROVENANCE = {
  origin: 'REAL_CAPTURE',
  source: SOURCE,
  recordedAt: '2020-10-19',
  plaintextSource: 'tezedge-debugger (its own decryption; the OCaml node’s key is not public)',
} as const;

/** ns timestamps exceed 2^53; microseconds since the epoch stay exact as numbers until the year 2255. */
const micros = (ns: number): number => Math.floor(ns / 1000);

/**
 * The tezedge-debugger recording of an OCaml Octez carthagenet node (fixture #3): the OCaml node is
 * the local side. One transcript per remote: the session with 51.15.220.7, and the two unanswered
 * connection attempts to 104.248.136.94.
 */
export function ocamlNodeRecord(): Transcript[] {
  const rows = readFixtureJsonLines<Row>('tezedge-debugger/ocaml_node_record.jsonl');
  const byRemote = new Map<string, Row[]>();
  for (const r of rows) byRemote.set(r.remote_addr, [...(byRemote.get(r.remote_addr) ?? []), r]);
  const session = byRemote.get('51.15.220.7:9732')!;
  const unanswered = byRemote.get('104.248.136.94:9732')!;
  if (byRemote.size !== 2 || session === undefined || unanswered === undefined)
    throw new Error('unexpected remotes in the OCaml node recording');

  const records: TranscriptRecord[] = [];
  const next = { SENT: 0, RECEIVED: 0 };
  let sentConnection: Uint8Array | undefined;
  let receivedConnection: Uint8Array | undefined;
  for (const r of [...session].sort((a, b) => a.id - b.id)) {
    const direction = r.incoming ? 'RECEIVED' : 'SENT';
    const wire = hex(r.wire_chunk);
    if (r.debugger_kind === 'connection_message') {
      records.push(connectionRecord(direction, wire, micros(r.timestamp_ns)));
      if (r.incoming) receivedConnection = wire;
      else sentConnection = wire;
      continue;
    }
    records.push({
      direction,
      layer: 'CHUNK',
      chunkIndex: next[direction]++,
      wire,
      plaintext: hex(r.debugger_plaintext),
      kind: r.debugger_kind,
      timeUs: micros(r.timestamp_ns),
    });
  }
  const { chainName, ...local } = endpointOf(sentConnection!, { implementation: 'octez' });
  const { chainName: _c, ...remote } = endpointOf(receivedConnection!, { address: '51.15.220.7:9732' });

  const attempts = [...unanswered].sort((a, b) => a.id - b.id);
  return [
    {
      formatVersion: 1,
      session: {
        name: 'ocaml-node-carthagenet-2020',
        description:
          'An OCaml Octez carthagenet node (local, a private node) and a public peer, recorded by tezedge-debugger: handshake, Metadata, Ack and shell messages both ways.',
        provenance: PROVENANCE,
        localRole: 'INITIATOR',
        chainName,
        local,
        remote,
        notes: [
          'no keys: the OCaml node’s secret key is not public, so chunks cannot be re-decrypted; plaintexts are the debugger’s',
        ],
      },
      records,
    },
    {
      formatVersion: 1,
      session: {
        name: 'ocaml-node-carthagenet-2020-unanswered',
        description:
          'Two connection attempts of the same OCaml node to 104.248.136.94 that got no answer: its own connection messages only.',
        provenance: PROVENANCE,
        localRole: 'INITIATOR',
        chainName,
        local,
        remote: { address: '104.248.136.94:9732' },
      },
      records: attempts.map((r) => connectionRecord('SENT', hex(r.wire_chunk), micros(r.timestamp_ns))),
    },
  ];
}
