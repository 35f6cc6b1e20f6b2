import { ConfigError } from './errors.js';

interface Problem {
  readonly key: string;
  readonly text: string;
  readonly found: unknown;
}

// Ajv's verdict on a union as a whole repeats what its cases already said.
const UNION_SUMMARY = /^must match (a schema in anyOf|exactly one schema in oneOf|"(then|else)" schema)$/;

/** Problems listed after the first one; a wholly wrong file would otherwise give a page. */
const MAX_LISTED = 3;

function valueAt(json: unknown, path: readonly string[]): unknown {
  let v = json;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** One `JsonShapeError` problem (`a.b.0: must be string`, `a: unexpected key 'k'`) as key and text. */
function problem(line: string, json: unknown): Problem {
  const sep = line.indexOf(': ');
  const where = line.slice(0, sep);
  const text = line.slice(sep + 2);
  const path = where === '<root>' ? [] : where.split('.');
  const named = /^(unexpected|missing) key '(.*)'$/.exec(text);
  if (named) {
    const key = [...path, named[2]!].join('.');
    return named[1] === 'unexpected'
      ? { key, text: 'a known key (Octez refuses unknown ones)', found: valueAt(json, [...path, named[2]!]) }
      : { key, text: 'present (Octez requires it)', found: undefined };
  }
  return { key: path.join('.') || '<root>', text: text.replace(/^must be /, ''), found: valueAt(json, path) };
}

/**
 * A `ConfigError` for a document that does not have Octez's shape: it names the first offending key
 * (as a config.json path, `p2p.limits.max-connections`) and lists the other problems after it.
 */
export function shapeError(problems: readonly string[], json: unknown, where: string): ConfigError {
  const all = problems.map((p) => problem(p, json));
  const useful = all.filter((p) => !UNION_SUMMARY.test(p.text));
  // The deepest problem first: in a union, it belongs to the case the value was written for.
  const depth = (p: Problem) => p.key.split('.').length;
  const [first, ...rest] = (useful.length > 0 ? useful : all)
    .map((p, i) => [p, i] as const)
    .sort(([a, i], [b, j]) => depth(b) - depth(a) || i - j)
    .map(([p]) => p);
  const others = rest.filter((p) => p.key !== first!.key || p.text !== first!.text).map((p) => `${p.key}: ${p.text}`);
  const distinct = [...new Set(others)];
  const also =
    distinct.length > 0
      ? `; also ${distinct.slice(0, MAX_LISTED).join('; ')}${distinct.length > MAX_LISTED ? '; …' : ''}`
      : '';
  return new ConfigError(first!.key, `${first!.text} (in ${where}${also})`, first!.found);
}
