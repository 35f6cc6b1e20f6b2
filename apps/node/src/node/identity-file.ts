import { existsSync, mkdirSync } from 'node:fs';
import { type Identity, IdentityError, checkIdentity, generateIdentity, loadIdentity, saveIdentity } from '@tezos-p2p/crypto';
import { powProgressDisplay } from '../cli/pow-progress.js';

/** Create the data directory owner-only, as octez-node does (it holds the secret key). */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Generate an identity meeting `difficulty` with a live progress display, and save it. */
export async function generateAndSave(path: string, difficulty: number, signal?: AbortSignal): Promise<Identity> {
  const display = powProgressDisplay(difficulty);
  let identity: Identity;
  try {
    identity = await generateIdentity({ difficulty, onProgress: display.onProgress, ...(signal ? { signal } : {}) });
  } finally {
    display.stop();
  }
  saveIdentity(path, identity);
  return identity;
}

/**
 * What `octez-node run` does with identity.json: read it and require `expectedPow`, or create one
 * meeting it when the file does not exist. A file that exists but is unreadable is an error, never
 * silently replaced: it holds the node's key.
 */
export async function loadOrGenerate(path: string, expectedPow: number, onGenerate: () => void, signal?: AbortSignal): Promise<{ identity: Identity; generated: boolean }> {
  if (!existsSync(path)) {
    onGenerate();
    return { identity: await generateAndSave(path, expectedPow, signal), generated: true };
  }
  const identity = loadIdentity(path);
  try {
    checkIdentity(identity, expectedPow);
  } catch (e) {
    if (e instanceof IdentityError) throw new IdentityError(e.code, `${e.message} (${path}; generate a new one with \`tzp2p identity generate --force --difficulty ${expectedPow}\` or lower --expected-pow)`);
    throw e;
  }
  return { identity, generated: false };
}
