import { fromHex, toHex } from '@tezos-p2p/encoding';
import { jsonValidator } from './json-schema.js';
import { type PeerId, parsePeerId } from './peer-id.js';

/** identity.json as Octez writes it (`P2p_identity.encoding`). `peer_id` may be absent on read. */
export interface IdentityJson {
  peer_id?: string;
  public_key: string;
  secret_key: string;
  proof_of_work_stamp: string;
}

export const identityJsonSchema = {
  $id: 'https://tezos-p2p-ts/identity.json',
  title: 'Octez P2P identity (identity.json)',
  type: 'object',
  additionalProperties: false,
  required: ['public_key', 'secret_key', 'proof_of_work_stamp'],
  properties: {
    peer_id: {
      type: 'string',
      pattern: '^id[1-9A-HJ-NP-Za-km-z]{28}$',
      description: 'Base58Check Blake2b-128 of the public key',
    },
    public_key: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'X25519 public key, hex' },
    secret_key: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'X25519 secret key, hex' },
    proof_of_work_stamp: {
      type: 'string',
      pattern: '^[0-9a-fA-F]{48}$',
      description: '24-byte proof-of-work stamp, hex',
    },
  },
} as const;

export const identityJson = jsonValidator<IdentityJson>(identityJsonSchema);

/** The raw content of an identity file, decoded from hex; consistency checks belong to the crypto lib. */
export interface IdentityFields {
  readonly peerId?: PeerId;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  readonly proofOfWorkStamp: Uint8Array;
}

export function identityFromJson(value: unknown, what = 'identity.json'): IdentityFields {
  const j = identityJson.check(value, what);
  const fields = {
    publicKey: fromHex(j.public_key),
    secretKey: fromHex(j.secret_key),
    proofOfWorkStamp: fromHex(j.proof_of_work_stamp),
  };
  return j.peer_id === undefined ? fields : { ...fields, peerId: parsePeerId(j.peer_id) };
}

/** Keys in Octez's order; pretty-printed as `octez-node identity generate` does. */
export function identityToJson(id: {
  peerId: PeerId;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  proofOfWorkStamp: Uint8Array;
}): IdentityJson {
  return {
    peer_id: id.peerId,
    public_key: toHex(id.publicKey),
    secret_key: toHex(id.secretKey),
    proof_of_work_stamp: toHex(id.proofOfWorkStamp),
  };
}
