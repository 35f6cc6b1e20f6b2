import { readFixtureBytes, readFixtureText } from '@tezos-p2p/fixtures';
import type { Transcript, TranscriptRecord } from '@tezos-p2p/transcript';
import { hex } from '../common.js';

/** tezedge/resources: message bodies without size and tag, each with the tag of its kind (fixture #12). */
const BODIES: readonly (readonly [file: string, tag: number, kind: string])[] = [
  ['get-current-branch.msg', 0x10, 'Get_current_branch'],
  ['current-branch.big.msg', 0x11, 'Current_branch'],
  ['get-current-head.msg', 0x13, 'Get_current_head'],
  ['current-head.big.msg', 0x14, 'Current_head'],
  ['get-block-headers.msg', 0x20, 'Get_block_headers'],
  ['block-header.msg', 0x21, 'Block_header'],
  ['get-operations-for-blocks.msg', 0x60, 'Get_operations_for_blocks'],
  ['operations-for-blocks.huge.msg', 0x61, 'Operations_for_blocks'],
];

/** Mainnet values kept by tezedge as test resources (fixtures #11, #12): a connection message, a real Nack with 18 points, shell messages. */
export function tezedgeResources(): Transcript {
  const records: TranscriptRecord[] = [
    {
      direction: 'DIRECTION_UNKNOWN',
      layer: 'CONNECTION_MESSAGE_BODY',
      plaintext: readFixtureBytes('tezedge/resources/connection.msg'),
      kind: 'connection_message',
    },
    {
      direction: 'DIRECTION_UNKNOWN',
      layer: 'ACK',
      plaintext: readFixtureBytes('tezedge/resources/ack.msg'),
      kind: 'Nack',
    },
    ...BODIES.map(([file, tag, kind]): TranscriptRecord => ({
      direction: 'DIRECTION_UNKNOWN',
      layer: 'APP_PAYLOAD',
      tag,
      plaintext: readFixtureBytes(`tezedge/resources/${file}`),
      kind,
    })),
  ];
  return {
    formatVersion: 1,
    session: {
      name: 'mainnet-values-tezedge-2021',
      description:
        'Mainnet wire values kept by tezedge as test resources: a connection message body, an OCaml Nack(Too_many_connections) with 18 points, and shell message bodies.',
      provenance: {
        origin: 'REAL_CAPTURE',
        source: 'tezedge/tezedge tezos/messages/resources/ @ 918f6866 and 4e9f117d (2021)',
        notes: 'look real (mainnet chain 7a06a770, real levels); capture context undocumented',
      },
      notes: ['values, not a session: each record is checked on its own'],
    },
    records,
  };
}

export function alphanetCurrentBranch(): Transcript {
  return {
    formatVersion: 1,
    session: {
      name: 'alphanet-current-branch-2019',
      description: 'A whole Current_branch message (141 history hashes) of the 2019 alphanet, kept in a tezedge test.',
      provenance: {
        origin: 'REAL_CAPTURE',
        source: 'tezedge/tezedge light_node/src/tezos/p2p/message.rs @ a8c109ac (2019-07-29)',
        notes: 'looks real (alphanet 8eceda2f, level 198392)',
      },
    },
    records: [
      {
        direction: 'DIRECTION_UNKNOWN',
        layer: 'MESSAGE',
        plaintext: hex(readFixtureText('tezedge/early_2019/current_branch_alphanet_2019.hex').trim()),
        kind: 'Current_branch',
      },
    ],
  };
}

/** The only P2P-related bytes produced by Octez itself in its tree: octez-codec's network_version regression (fixture #14). */
export function octezNetworkVersion(): Transcript {
  const line = readFixtureText('octez/network_version.regression.out')
    .split('\n')
    .find((l) => l.startsWith('network_version:'));
  if (line === undefined) throw new Error('network_version.regression.out: no "network_version:" line');
  return {
    formatVersion: 1,
    session: {
      name: 'octez-codec-network-version',
      description:
        'network_version {chain_name "main", distributed_db_version 1, p2p_version 0} as octez-codec encodes it.',
      provenance: {
        origin: 'SYNTHETIC',
        source:
          'tezos/tezos-mirror tezt/tests/expected/encoding.ml/shell encoding regression test- network_version.out @ d26a8bef',
        notes: 'bytes produced by the OCaml reference implementation',
      },
    },
    records: [
      {
        direction: 'DIRECTION_UNKNOWN',
        layer: 'NETWORK_VERSION',
        plaintext: hex(line.slice('network_version:'.length).trim()),
        kind: 'network_version',
      },
    ],
  };
}
