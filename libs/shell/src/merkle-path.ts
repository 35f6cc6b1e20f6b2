import { DYNAMIC, EncodeError, type Encoding, checkSize } from '@tezos-p2p/encoding';
import { HASH_SIZE, merklePathMaxSize } from './bounds.js';
import { operationListListHashEncoding as hashEncoding } from './hashes.js';
import type { OperationListListHash, OperationListPath } from './types.js';

/** Union tags of `Make_merkle_tree.path_encoding` (uint8). */
export const PATH_TAG_LEFT = 0xf0;
export const PATH_TAG_RIGHT = 0x0f;
export const PATH_TAG_OP = 0x00;

/** One level of a path, outermost first. */
export type PathStep = { readonly side: 'Left' | 'Right'; readonly hash: OperationListListHash };

/**
 * Flatten a path into its levels, outermost first. Paths are walked with loops rather than
 * recursion so that a hostile or absurdly deep value cannot exhaust the stack.
 */
export function pathSteps(path: OperationListPath): PathStep[] {
  const steps: PathStep[] = [];
  for (let p = path; ;) {
    if (p === null || typeof p !== 'object')
      throw new EncodeError('NO_CASE_MATCHED', 'operation list path: not a path');
    if (p.kind === 'Op') return steps;
    if (p.kind === 'Left') {
      steps.push({ side: 'Left', hash: p.right });
      p = p.path;
    } else if (p.kind === 'Right') {
      steps.push({ side: 'Right', hash: p.left });
      p = p.path;
    } else
      throw new EncodeError(
        'NO_CASE_MATCHED',
        `operation list path: unknown kind ${String((p as { kind: unknown }).kind)}`,
      );
  }
}

/** Rebuild a path from its levels, outermost first. */
export function pathFromSteps(steps: readonly PathStep[]): OperationListPath {
  let p: OperationListPath = { kind: 'Op' };
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    p = s.side === 'Left' ? { kind: 'Left', path: p, right: s.hash } : { kind: 'Right', left: s.hash, path: p };
  }
  return p;
}

/**
 * `Operation_list_list_hash.path_encoding`, a recursive uint8-tagged union: Left (0xf0) is the
 * sub-path *then* the right sibling, Right (0x0f) the left sibling then the sub-path, Op (0x00)
 * nothing. So every Left sibling comes after the innermost Op, in innermost-first order.
 */
export const operationListPathEncoding: Encoding<OperationListPath> = {
  sizeClass: DYNAMIC,
  title: 'operation_hashes_path',
  sizeOf: (path) => pathSteps(path).length * (HASH_SIZE + 1) + 1,
  write(w, path) {
    const steps = pathSteps(path);
    for (const s of steps) {
      if (s.side === 'Left') w.uint8(PATH_TAG_LEFT);
      else {
        w.uint8(PATH_TAG_RIGHT);
        hashEncoding.write(w, s.hash);
      }
    }
    w.uint8(PATH_TAG_OP);
    for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.side === 'Left') hashEncoding.write(w, steps[i]!.hash);
  },
  read(r) {
    const sides: ('Left' | 'Right')[] = [];
    const hashes: (OperationListListHash | undefined)[] = [];
    for (;;) {
      const at = r.pos;
      const tag = r.uint8();
      if (tag === PATH_TAG_OP) break;
      if (tag === PATH_TAG_LEFT) {
        sides.push('Left');
        hashes.push(undefined);
      } else if (tag === PATH_TAG_RIGHT) {
        sides.push('Right');
        hashes.push(hashEncoding.read(r));
      } else r.fail('UNEXPECTED_TAG', `operation list path: tag 0x${tag.toString(16).padStart(2, '0')}`, at);
    }
    for (let i = sides.length - 1; i >= 0; i--) if (sides[i] === 'Left') hashes[i] = hashEncoding.read(r);
    return pathFromSteps(sides.map((side, i) => ({ side, hash: hashes[i]! })));
  },
};

/** `bounded_path_encoding ?max_length:max_pass`: at most `merklePathMaxSize(maxPass)` bytes. */
export function boundedOperationListPathEncoding(maxPass: number | undefined): Encoding<OperationListPath> {
  return maxPass === undefined
    ? operationListPathEncoding
    : checkSize(merklePathMaxSize(maxPass), operationListPathEncoding);
}
