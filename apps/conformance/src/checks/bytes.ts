import { CheckFailure } from './result.js';

/** Offset of the first differing byte (the shorter length when one is a prefix of the other), or undefined if equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? undefined : n;
}

/** Throws a CheckFailure naming `where` and the first differing byte. */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, where: string): void {
  const at = firstDifference(actual, expected);
  if (at === undefined) return;
  const show = (b: Uint8Array) => (at < b.length ? `0x${b[at]!.toString(16).padStart(2, '0')}` : 'end');
  throw new CheckFailure(
    `${where}: byte ${at} is ${show(actual)}, recorded ${show(expected)} (${actual.length} vs ${expected.length} bytes)`,
    where,
    at,
  );
}
