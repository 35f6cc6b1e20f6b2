import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { type PeersFileEntry, JsonShapeError, peersFile } from '@tezos-p2p/wire';
import { PoolError } from './errors.js';

export type LoadedPeers =
  | { readonly kind: 'absent' }
  | { readonly kind: 'loaded'; readonly entries: PeersFileEntry[] }
  | { readonly kind: 'invalid'; readonly error: PoolError; readonly movedTo: string };

/** `/dev/null` or no path: no persistence, as Octez. */
export function persistent(path: string | undefined): path is string {
  return path !== undefined && path !== '' && path !== '/dev/null';
}

/**
 * Read peers.json. A file that is not JSON or does not have Octez's shape is never silently replaced:
 * it is renamed to `<file>.corrupt-<timestamp>` and reported, and the pool starts without peers.
 * `validateMetadata` checks each `peer_metadata` with the caller's configuration.
 */
export function loadPeersFile(
  path: string | undefined,
  now: number,
  validateMetadata: (json: unknown) => void,
): LoadedPeers {
  if (!persistent(path) || !existsSync(path)) return { kind: 'absent' };
  let problem: string;
  try {
    const entries = peersFile.check(JSON.parse(readFileSync(path, 'utf8')), path);
    entries.forEach((e, i) => {
      try {
        validateMetadata(e.peer_metadata);
      } catch (err) {
        throw new JsonShapeError(path, [`[${i}].peer_metadata: ${(err as Error).message}`]);
      }
    });
    return { kind: 'loaded', entries };
  } catch (e) {
    problem = e instanceof SyntaxError ? `not valid JSON (${e.message})` : (e as Error).message;
  }
  const movedTo = `${path}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, movedTo);
  return {
    kind: 'invalid',
    movedTo,
    error: new PoolError('PEERS_FILE_INVALID', `peers file ${path} is invalid and was moved to ${movedTo}: ${problem}`),
  };
}

/** Octez's temporary file for peers.json (`P2p_peer_state.Info.File.save`). */
const tempPath = (path: string) => `${path}.tmp`;

/** The text of peers.json: what is written, and what tells whether the table changed since. */
export function peersFileText(entries: readonly PeersFileEntry[]): string {
  return JSON.stringify(entries, null, 2) + '\n';
}

/**
 * Remove the temporary file a crash between write and rename leaves behind (peers.json itself is then
 * the previous save, intact). A failure is left to the next save, which truncates the file or fails
 * with the same cause, reported then.
 */
export function removeStrayTemp(path: string | undefined): void {
  if (!persistent(path)) return;
  try {
    rmSync(tempPath(path), { force: true });
  } catch {
    // see above
  }
}

/** Write atomically: temporary file, fsync, rename (Octez writes `<file>.tmp` then renames). */
export function savePeersFile(path: string, text: string): void {
  const tmp = tempPath(path);
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    throw new PoolError('PEERS_FILE_WRITE_FAILED', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}
