import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { inspect } from 'node:util';
import { toHex } from '@tezos-p2p/encoding';
import { type IdentityFields, type IdentityJson, type PeerId, JsonShapeError, identityFromJson } from '@tezos-p2p/wire';
import type { BackendName, CryptoBackend } from './backend.js';
import { IdentityError } from './errors.js';
import { DEFAULT_POW_DIFFICULTY, checkProofOfWork, proofOfWorkLevel } from './pow.js';
import { type PowProgress, searchProofOfWork } from './pow-search.js';
import { peerIdText } from './peer-id-text.js';
import { SecretKey } from './secret-key.js';
import { getCryptoBackend } from './select-backend.js';

/** peer id = Blake2b-128(public key) (not a truncated Blake2b-256), as Base58Check text. */
export function peerIdOf(backend: CryptoBackend, publicKey: Uint8Array): PeerId {
  return peerIdText(backend.blake2b(16, [publicKey]));
}

/**
 * A node identity (`P2p_identity.t`). The secret key is a `SecretKey`: printing, logging or
 * JSON-serialising an identity never shows it.
 */
export class Identity {
  readonly peerId: PeerId;
  readonly publicKey: Uint8Array;
  readonly secretKey: SecretKey;
  readonly proofOfWorkStamp: Uint8Array;

  constructor(fields: { peerId: PeerId; publicKey: Uint8Array; secretKey: SecretKey; proofOfWorkStamp: Uint8Array }) {
    this.peerId = fields.peerId;
    this.publicKey = fields.publicKey;
    this.secretKey = fields.secretKey;
    this.proofOfWorkStamp = fields.proofOfWorkStamp;
  }

  /** Public parts only. Use `identityFileJson` to write identity.json. */
  toJSON(): Omit<IdentityJson, 'secret_key'> {
    return {
      peer_id: this.peerId,
      public_key: toHex(this.publicKey),
      proof_of_work_stamp: toHex(this.proofOfWorkStamp),
    };
  }

  [inspect.custom](): string {
    return `Identity(${this.peerId})`;
  }
}

/**
 * Build an identity from file contents with `Identity_file.read`'s checks: the secret key must derive
 * the public key, and `peer_id` (recomputed when absent) must be its hash.
 */
export function identityFromFields(fields: IdentityFields, backend: CryptoBackend = getCryptoBackend()): Identity {
  const derived = backend.publicKey(fields.secretKey);
  if (!backend.equal(derived, fields.publicKey))
    throw new IdentityError('IDENTITY_KEYS_MISMATCH', 'the secret key does not correspond to the public key');
  const peerId = peerIdOf(backend, fields.publicKey);
  if (fields.peerId !== undefined && fields.peerId !== peerId) {
    throw new IdentityError(
      'IDENTITY_MISMATCH',
      `peer_id ${fields.peerId} is not the hash of the public key (${peerId})`,
    );
  }
  return new Identity({
    peerId,
    publicKey: Uint8Array.from(fields.publicKey),
    secretKey: new SecretKey(fields.secretKey),
    proofOfWorkStamp: Uint8Array.from(fields.proofOfWorkStamp),
  });
}

/** `octez-node identity check`: throws `INSUFFICIENT_PROOF_OF_WORK` when the stamp is below `difficulty`. */
export function checkIdentity(
  identity: Identity,
  difficulty = DEFAULT_POW_DIFFICULTY,
  backend: CryptoBackend = getCryptoBackend(),
): void {
  if (!checkProofOfWork(backend, identity.publicKey, identity.proofOfWorkStamp, difficulty)) {
    const level = proofOfWorkLevel(backend, identity.publicKey, identity.proofOfWorkStamp);
    throw new IdentityError(
      'INSUFFICIENT_PROOF_OF_WORK',
      `identity ${identity.peerId} has proof of work ${level}, ${difficulty} is required`,
    );
  }
}

/** The largest integer difficulty the identity's stamp meets. */
export function identityPowLevel(identity: Identity, backend: CryptoBackend = getCryptoBackend()): number {
  return proofOfWorkLevel(backend, identity.publicKey, identity.proofOfWorkStamp);
}

export interface GenerateIdentityOptions {
  readonly difficulty?: number;
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PowProgress) => void;
  readonly progressIntervalMs?: number;
  /** 32-byte secret key and 24-byte start stamp for reproducible tests; random when absent. */
  readonly seed?: { readonly secretKey: Uint8Array; readonly start: Uint8Array };
  readonly backend?: BackendName;
}

/** `octez-node identity generate`: a fresh key pair and a stamp meeting `difficulty` (default 26). */
export async function generateIdentity(opts: GenerateIdentityOptions = {}): Promise<Identity> {
  const backend = getCryptoBackend(opts.backend);
  const sk = opts.seed ? Uint8Array.from(opts.seed.secretKey) : backend.randomBytes(32);
  const pk = backend.publicKey(sk);
  const { stamp } = await searchProofOfWork(pk, {
    difficulty: opts.difficulty ?? DEFAULT_POW_DIFFICULTY,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.progressIntervalMs !== undefined ? { progressIntervalMs: opts.progressIntervalMs } : {}),
    ...(opts.seed ? { start: opts.seed.start } : {}),
    backend: backend.name,
  });
  return new Identity({
    peerId: peerIdOf(backend, pk),
    publicKey: pk,
    secretKey: new SecretKey(sk),
    proofOfWorkStamp: stamp,
  });
}

/** The full identity.json content, secret key included. */
export function identityFileJson(identity: Identity): IdentityJson {
  return {
    peer_id: identity.peerId,
    public_key: toHex(identity.publicKey),
    secret_key: toHex(identity.secretKey.expose()),
    proof_of_work_stamp: toHex(identity.proofOfWorkStamp),
  };
}

/** Parse identity.json content (`path` only names the file in errors). */
export function parseIdentityFile(
  text: string,
  path = 'identity.json',
  backend: CryptoBackend = getCryptoBackend(),
): Identity {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new IdentityError('IDENTITY_FILE_INVALID', `${path} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return identityFromFields(identityFromJson(json, path), backend);
  } catch (e) {
    if (e instanceof IdentityError) throw new IdentityError(e.code, `${path}: ${e.message}`);
    if (e instanceof JsonShapeError || e instanceof RangeError)
      throw new IdentityError(
        'IDENTITY_FILE_INVALID',
        e.message.startsWith(path) ? e.message : `${path}: ${e.message}`,
      );
    throw e;
  }
}

export function loadIdentity(path: string, backend: CryptoBackend = getCryptoBackend()): Identity {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'IDENTITY_FILE_NOT_FOUND' : 'IDENTITY_FILE_INVALID';
    throw new IdentityError(code, `cannot read ${path}: ${(e as Error).message}`);
  }
  return parseIdentityFile(text, path, backend);
}

/**
 * Write identity.json atomically (temporary file, fsync, rename), readable by the owner only since it
 * holds the secret key.
 */
export function saveIdentity(path: string, identity: Identity): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(identityFileJson(identity), null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
