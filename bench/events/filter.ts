/**
 * Lambda's event filtering, as far as STREAM_FILTER_PATTERNS uses it: a pattern is
 * nested objects whose leaves are lists of exact strings or `{ prefix }` matches; a
 * record matches when every leaf's value matches one of its list. Anything else in a
 * pattern throws, so a new operator (exists, numeric) cannot be miscounted silently.
 */
export function matchesFilter(pattern: object, value: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    const actual = (value as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(expected)) {
      if (!expected.every(isSupported)) throw new Error(`filter operator not supported by the bench: ${JSON.stringify(expected)}`);
      if (typeof actual !== 'string' || !expected.some((e) => (typeof e === 'string' ? e === actual : actual.startsWith(e.prefix)))) return false;
    } else if (typeof expected === 'object' && expected !== null) {
      if (!matchesFilter(expected, actual)) return false;
    } else {
      throw new Error(`filter pattern leaf must be a list: ${JSON.stringify(expected)}`);
    }
  }
  return true;
}

/** Whether any pattern matches (Lambda ORs a mapping's filters). */
export function matchesAnyFilter(patterns: readonly object[], record: unknown): boolean {
  return patterns.some((p) => matchesFilter(p, record));
}

function isSupported(leaf: unknown): leaf is string | { prefix: string } {
  if (typeof leaf === 'string') return true;
  return typeof leaf === 'object' && leaf !== null && Object.keys(leaf).length === 1 && typeof (leaf as { prefix?: unknown }).prefix === 'string';
}
