/**
 * Deepest nesting of arrays and objects a request body may have. Every body the `/network`
 * services take is an object of scalars (depth 1); the limit is far above that and far below what
 * V8's recursive `JSON.stringify` (used to echo a rejected value) survives: a 64 KiB body could
 * otherwise nest 32,000 levels and overflow the stack, which surfaced as a 500.
 */
export const MAX_BODY_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether JSON text nests arrays and objects deeper than `max`, found by one pass over the text
 * (no recursion, nothing allocated), before the value is built. Brackets inside strings do not
 * count. Malformed text may be miscounted; `JSON.parse` refuses it anyway.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}
