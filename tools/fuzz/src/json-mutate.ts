import fc from 'fast-check';
import { type Mutation, applyMutations, mutations } from './mutate.js';

/**
 * Structural mutations of JSON documents (identity.json, peers.json): at a path chosen by indices
 * (each taken modulo the number of children), replace a value, delete it, add a key or an element,
 * mutate a string's bytes, put an edge-case number, or wrap the value in an array.
 */
export type JsonAction =
  | { readonly kind: 'replace'; readonly value: unknown }
  | { readonly kind: 'delete' }
  | { readonly kind: 'add'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'text'; readonly mutations: readonly Mutation[] }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'wrap' };

export interface JsonMutation {
  readonly path: readonly number[];
  readonly action: JsonAction;
}

const KEYS = [
  'peer_id',
  'public_key',
  'secret_key',
  'proof_of_work_stamp',
  'created',
  'trusted',
  'peer_metadata',
  'events',
  'kind',
  'timestamp',
  'addr',
  'port',
  'last_failed_connection',
  'last_disconnection',
  'responses',
  'sent',
  'head',
  '__proto__',
  'constructor',
  'toString',
  '',
];
const NUMBERS = [-1, 0, 1, 65535, 65536, 1.5, -0, 1e21, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 8.64e15, 8.64e15 + 1];

const action: fc.Arbitrary<JsonAction> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replace' as const), value: fc.jsonValue({ maxDepth: 2 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'delete' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })),
      value: fc.jsonValue({ maxDepth: 1 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('text' as const), mutations: mutations(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('number' as const), value: fc.constantFrom(...NUMBERS) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrap' as const }) },
);

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 6 }),
  action,
});

const DELETE = Symbol('delete');

function mutateText(s: string, ms: readonly Mutation[]): string {
  return Buffer.from(applyMutations(Buffer.from(s, 'latin1'), ms)).toString('latin1');
}

function act(v: unknown, a: JsonAction): unknown {
  switch (a.kind) {
    case 'replace':
      return a.value;
    case 'delete':
      return DELETE;
    case 'add':
      if (Array.isArray(v)) return [...v, a.value];
      if (v !== null && typeof v === 'object')
        return Object.defineProperty({ ...(v as object) }, a.key, {
          value: a.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return a.value;
    case 'text':
      return typeof v === 'string' ? mutateText(v, a.mutations) : v;
    case 'number':
      return a.value;
    case 'wrap':
      return [v];
  }
}

function at(v: unknown, path: readonly number[], i: number, a: JsonAction): unknown {
  const container = v !== null && typeof v === 'object';
  if (i < path.length && container) {
    if (Array.isArray(v)) {
      if (v.length === 0) return act(v, a);
      const k = path[i]! % v.length;
      const r = at(v[k], path, i + 1, a);
      const out = [...v];
      if (r === DELETE) out.splice(k, 1);
      else out[k] = r;
      return out;
    }
    const keys = Object.keys(v as object);
    if (keys.length === 0) return act(v, a);
    const k = keys[path[i]! % keys.length]!;
    const r = at((v as Record<string, unknown>)[k], path, i + 1, a);
    const out: Record<string, unknown> = {};
    for (const key of keys)
      if (key !== k || r !== DELETE)
        Object.defineProperty(out, key, {
          value: key === k ? r : (v as Record<string, unknown>)[key],
          enumerable: true,
          writable: true,
          configurable: true,
        });
    return out;
  }
  return act(v, a);
}

export function applyJsonMutations(v: unknown, ms: readonly JsonMutation[]): unknown {
  let out = v;
  for (const m of ms) {
    const r = at(out, m.path, 0, m.action);
    out = r === DELETE ? null : r;
  }
  return out;
}

/** `base` with one to `max` structural mutations. */
export function mutatedJson(base: fc.Arbitrary<unknown>, max = 3): fc.Arbitrary<unknown> {
  return fc
    .tuple(base, fc.array(jsonMutation, { minLength: 1, maxLength: max }))
    .map(([v, ms]) => applyJsonMutations(v, ms));
}
