/** PromQL words that are not metric names: aggregations, operators, modifiers. */
const KEYWORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'atan2',
  'inf',
  'nan',
]);

/** Modifiers whose parenthesised list holds label names. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/**
 * The metric names a PromQL expression reads: identifiers that are not followed by `(` (functions),
 * not keywords, and not label names (inside `{…}`, or in the list after `by`, `without`, `on`…).
 * Strings, `[…]` ranges, numbers, durations and Grafana's `$variables` are skipped. Enough for dashboards,
 * not a PromQL parser.
 */
export function metricNamesOf(expr: string): string[] {
  const token =
    /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|\{[^}]*\}|\[[^\]]*\]|\$\{?\w+\}?|[a-zA-Z_:][\w:]*|(?:\d+(?:ms|[smhdwy]))+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\S/gy;
  const words: string[] = [];
  for (let at = 0; ;) {
    while (at < expr.length && /\s/.test(expr[at]!)) at++;
    token.lastIndex = at;
    const m = token.exec(expr);
    if (m === null) break;
    words.push(m[0]);
    at = token.lastIndex;
  }
  const names: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!/^[a-zA-Z_:][\w:]*$/.test(w)) continue;
    const next = words[i + 1];
    if (LABEL_LISTS.has(w) && next === '(') {
      while (i < words.length && words[i] !== ')') i++;
      continue;
    }
    if (next === '(' || KEYWORDS.has(w.toLowerCase())) continue;
    names.push(w);
  }
  return names;
}
