import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_POW_DIFFICULTY,
  IdentityError,
  checkIdentity,
  identityPowLevel,
  loadIdentity,
} from '@tezos-p2p/crypto';
import { ConfigError } from '../config/errors.js';
import { DEFAULT_DATA_DIR } from '../config/settings.js';
import { ensureDataDir, generateAndSave } from '../node/identity-file.js';

export interface IdentityOptions {
  readonly dataDir?: string;
  readonly difficulty?: string;
  readonly force?: boolean;
  readonly json?: boolean;
}

const identityPath = (o: IdentityOptions) => join(o.dataDir ?? DEFAULT_DATA_DIR, 'identity.json');

export function parseDifficulty(text: string | undefined, key = '--difficulty'): number {
  if (text === undefined) return DEFAULT_POW_DIFFICULTY;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 256)
    throw new ConfigError(key, 'a number of bits in [0, 256] (fractions allowed, as Octez)', text);
  return n;
}

/** `identity generate`: refuses to overwrite an identity unless `--force` (it holds the node's key). */
export async function identityGenerate(o: IdentityOptions, out: (line: string) => void): Promise<void> {
  const difficulty = parseDifficulty(o.difficulty);
  const path = identityPath(o);
  if (existsSync(path) && !o.force)
    throw new IdentityError(
      'IDENTITY_FILE_EXISTS',
      `${path} already exists; pass --force to replace it (the old key is lost)`,
    );
  ensureDataDir(o.dataDir ?? DEFAULT_DATA_DIR);
  const identity = await generateAndSave(path, difficulty);
  out(
    o.json
      ? JSON.stringify({ peer_id: identity.peerId, file: path, difficulty })
      : `Stored the new identity (${identity.peerId}) into '${path}'.`,
  );
}

/** `identity show`: the public parts only, never the secret key. */
export function identityShow(o: IdentityOptions, out: (line: string) => void): void {
  const path = identityPath(o);
  const identity = loadIdentity(path);
  const level = identityPowLevel(identity);
  if (o.json) out(JSON.stringify({ ...identity.toJSON(), proof_of_work_level: level, file: path }));
  else
    out(
      `Peer_id: ${identity.peerId}\nPublic key: ${identity.toJSON().public_key}\nProof of work: ${level} bits (${path})`,
    );
}

/** `identity check`: exits non-zero (through the thrown error) when the stamp is below the difficulty. */
export function identityCheck(o: IdentityOptions, out: (line: string) => void): void {
  const difficulty = parseDifficulty(o.difficulty);
  const identity = loadIdentity(identityPath(o));
  checkIdentity(identity, difficulty);
  out(
    o.json
      ? JSON.stringify({ peer_id: identity.peerId, difficulty, ok: true })
      : `Peer_id ${identity.peerId} is valid for difficulty ${difficulty}.`,
  );
}
