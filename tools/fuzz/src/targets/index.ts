import type { FuzzTarget } from '../target.js';
import { connectionTargets } from './connection.js';
import { encodingTargets } from './encoding.js';
import { handshakeTargets } from './handshake.js';
import { shellTargets } from './shell.js';
import { transcriptTargets } from './transcript.js';
import { wireTargets } from './wire.js';

/**
 * Every target, by group. Groups are built on first use (building draws the value pools, loads the
 * recorded corpus and derives identities), so a worker running one target builds only its group.
 */
const GROUPS: readonly (readonly [prefix: string, build: () => FuzzTarget<unknown>[]])[] = [
  ['encoding.', encodingTargets],
  ['wire.', wireTargets],
  ['shell.', shellTargets],
  ['transcript.', transcriptTargets],
  ['connection.handshake', handshakeTargets],
  ['connection.', connectionTargets],
];

/** The names of every target, without building any (a test checks this list against the groups). */
export const TARGET_NAMES: readonly string[] = [
  'encoding.integers',
  'encoding.strings',
  'encoding.lists',
  'encoding.unions',
  'encoding.composite',
  'encoding.frameReader',
  'wire.networkVersion',
  'wire.connectionMessage',
  'wire.metadata',
  'wire.ack',
  'wire.p2pMessage.opaque',
  'wire.p2pMessage.shell',
  'wire.point',
  'wire.parsePoint',
  'wire.parsePeerId',
  'wire.discovery',
  'wire.identityJson',
  'wire.peersJson',
  'shell.message',
  'shell.b58',
  'transcript.decode',
  'connection.chunkCipher',
  'connection.incomingMessages',
  'connection.handshake',
];

const built = new Map<string, FuzzTarget<unknown>[]>();

function group(prefix: string, build: () => FuzzTarget<unknown>[]): FuzzTarget<unknown>[] {
  let g = built.get(prefix);
  if (g === undefined) built.set(prefix, (g = build()));
  return g;
}

export function allTargets(): FuzzTarget<unknown>[] {
  const all = GROUPS.flatMap(([prefix, build]) => group(prefix, build));
  return TARGET_NAMES.map((n) => all.find((t) => t.name === n)).filter((t) => t !== undefined);
}

export function targetByName(name: string): FuzzTarget<unknown> {
  const g = GROUPS.find(([prefix]) => name.startsWith(prefix));
  const t = g === undefined ? undefined : group(g[0], g[1]).find((x) => x.name === name);
  if (t === undefined) throw new Error(`unknown fuzz target ${name}; known: ${TARGET_NAMES.join(', ')}`);
  return t;
}
