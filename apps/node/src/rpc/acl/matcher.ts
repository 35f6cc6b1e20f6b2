import { AclError } from './errors.js';
import { pctDecode, splitPath } from './path.js';

/** The methods resto serves (`Resto.meth`); HEAD and OPTIONS never reach its ACL. */
export const RESTO_METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH'] as const;
export type RestoMethod = (typeof RESTO_METHODS)[number];

export function isRestoMethod(m: string): m is RestoMethod {
  return (RESTO_METHODS as readonly string[]).includes(m);
}

/** One path segment of a pattern: a percent-decoded literal, or `*` (any one segment). */
export type ChunkMatcher = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'wildcard' };

/** `Resto.Acl.path_matcher`: exactly these segments, or these segments then anything (`/**`). */
export type PathMatcher =
  | { readonly kind: 'exact'; readonly chunks: readonly ChunkMatcher[] }
  | { readonly kind: 'any_suffix'; readonly chunks: readonly ChunkMatcher[] };

/** `Resto.Acl.matcher`: a method (or any) and a path pattern. */
export interface Matcher {
  readonly method: RestoMethod | 'any';
  readonly path: PathMatcher;
}

const invalid = (text: string, reason: string) => new AclError('INVALID_ACL_PATTERN', text, reason);

/**
 * `parse_meth_matcher`: a pattern starting with `/` or a space has no method; otherwise it must start
 * with a method name followed by at least one more character. The order of the checks is Octez's.
 */
function parseMethod(text: string): { method: Matcher['method']; offset: number } {
  if (text[0] === '/' || text[0] === ' ') return { method: 'any', offset: 0 };
  for (const m of ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'] as const) {
    if (text.length > m.length && text.startsWith(m)) return { method: m, offset: m.length };
  }
  throw invalid(text, 'invalid method matcher');
}

/** `ignore_whitespace`: only spaces may separate the method from the first `/`, which must exist. */
function pathStart(text: string, offset: number): number {
  const slash = text.indexOf('/', offset);
  if (slash < 0 || !/^ *$/.test(text.slice(offset, slash))) throw invalid(text, 'invalid method matcher');
  return slash;
}

const MUST_BE_ENCODED = new Set(['*', '?', '&', '#', '=']);

/** `add_chunk`, folded over the segments: `**` only last, `*` alone, special characters encoded. */
function parsePath(text: string, path: string): PathMatcher {
  const chunks: ChunkMatcher[] = [];
  let anySuffix = false;
  for (const chunk of splitPath(path)) {
    if (anySuffix) throw invalid(text, 'double-star can only appear in suffix position');
    if (chunk === '**') {
      anySuffix = true;
    } else if (chunk === '*') {
      chunks.push({ kind: 'wildcard' });
    } else {
      const special = [...chunk].find((c) => MUST_BE_ENCODED.has(c));
      if (special !== undefined) throw invalid(text, `${special} must be percent-encoded`);
      chunks.push({ kind: 'literal', value: pctDecode(chunk) });
    }
  }
  return anySuffix ? { kind: 'any_suffix', chunks } : { kind: 'exact', chunks };
}

/**
 * `Resto.Acl.parse`: `[METHOD][ spaces]/path`, where a segment is `*` (any one segment), a literal
 * (percent-decoded; `* ? & # =` must be percent-encoded), and a last `**` matches any suffix.
 * Throws `AclError` `INVALID_ACL_PATTERN` with Octez's reason.
 */
export function parseMatcher(text: string): Matcher {
  if (text.length === 0) throw invalid(text, 'a filter cannot be empty');
  const { method, offset } = parseMethod(text);
  const start = pathStart(text, offset);
  return { method, path: parsePath(text, text.slice(start)) };
}

function chunksMatch(chunks: readonly ChunkMatcher[], path: readonly string[], anySuffix: boolean): boolean {
  if (path.length < chunks.length || (!anySuffix && path.length !== chunks.length)) return false;
  return chunks.every((c, i) => c.kind === 'wildcard' || c.value === path[i]);
}

/** `matches_matcher`: `path` is the request's decoded segments (see `requestPath`). */
export function matches(m: Matcher, method: RestoMethod, path: readonly string[]): boolean {
  return (m.method === 'any' || m.method === method) && chunksMatch(m.path.chunks, path, m.path.kind === 'any_suffix');
}

/** Structural equality, for recognising Octez's own policies (`policy_type`). */
export function sameMatcher(a: Matcher, b: Matcher): boolean {
  return (
    a.method === b.method &&
    a.path.kind === b.path.kind &&
    a.path.chunks.length === b.path.chunks.length &&
    a.path.chunks.every((c, i) => {
      const d = b.path.chunks[i]!;
      return c.kind === 'wildcard' ? d.kind === 'wildcard' : d.kind === 'literal' && d.value === c.value;
    })
  );
}
