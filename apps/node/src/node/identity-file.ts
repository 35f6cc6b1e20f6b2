import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type Identity,
  IdentityError,
  checkIdentity,
  generateIdentity,
  loadIdentity,
  saveIdentity,
} from '@tezos-p2p/crypto';
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

/** Whether a process with this id runs (EPERM: it does, under another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove what an interrupted `saveIdentity` (libs/crypto) leaves: it writes `<file>.tmp-<pid>`, then
 * renames it over the file, so a crash in between leaves the temporary file (holding a secret key)
 * and the file itself intact or absent. One of a process still running (a `tzp2p identity generate`
 * on the same directory) is left to it; one bearing our own pid is a previous process's. A failure to
 * remove is ignored: the leftover harms nothing. Returns the files removed.
 */
export function removeStrayIdentityTemps(path: string): string[] {
  const prefix = `${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid =
      name.startsWith(prefix) && /^[1-9]\d*$/.test(name.slice(prefix.length))
        ? Number(name.slice(prefix.length))
        : undefined;
    if (pid === undefined || (pid !== process.pid && running(pid))) continue;
    const file = join(dirname(path), name);
    try {
      rmSync(file, { force: true });
      removed.push(file);
    } catch {
      // see above
    }
  }
  return removed;
}

/**
 * What `octez-node run` does with identity.json: read it and require `expectedPow`, or create one
 * meeting it when the file does not exist. A file that exists but is unreadable is an error, never
 * silently replaced: it holds the node's key.
 */
export async function loadOrGenerate(
  path: string,
  expectedPow: number,
  onGenerate: () => void,
  signal?: AbortSignal,
): Promise<{ identity: Identity; generated: boolean }> {
  // Before anything is written (start-up writes identity.json first when it is absent).
  removeStrayIdentityTemps(path);
  if (!existsSync(path)) {
    onGenerate();
    return { identity: await generateAndSave(path, expectedPow, signal), generated: true };
  }
  const identity = loadIdentity(path);
  try {
    checkIdentity(identity, expectedPow);
  } catch (e) {
    if (e instanceof IdentityError)
      throw new IdentityError(
        e.code,
        `${e.message} (${path}; generate a new one with \`tzp2p identity generate --force --difficulty ${expectedPow}\` or lower --expected-pow)`,
      );
    throw e;
  }
  return { identity, generated: false };
}
