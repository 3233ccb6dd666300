/**
 * Compares the output a document shows with the output a command printed,
 * loosely where runs differ and strictly everywhere else:
 * - line by line, every line: the same number of lines, each matching whole
 *   (so a line left out of the document, or a line too many, is a mismatch);
 * - `…` in a shown line stands for any text within that line (an id, a list's tail);
 * - ids (UUIDs, and the API's `wh_`/`whsec_` ids), ISO timestamps, clock times
 *   and durations (`12ms`, `1.5 s`) are replaced by a placeholder on both sides,
 *   so `"createdAt":"2026-11-23T08:00:00.000Z"` in the document matches any time;
 * - trailing spaces and blank lines at the end do not count; ANSI colours are removed.
 */

const PLACEHOLDERS: readonly [RegExp, string][] = [
  // eslint-disable-next-line no-control-regex
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the terminal's colour codes, which start with ESC
  [/\x1b\[[0-9;]*m/g, ''],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b(wh|whsec)_[A-Za-z0-9]+/g, '$1_<id>'],
  [/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?/g, '<time>'],
  [/\b\d{2}:\d{2}:\d{2}\b/g, '<clock>'],
  [/\b\d+(\.\d+)?\s?(ms|s)\b/g, '<duration>'],
];

/** A line with its run-to-run differences replaced by placeholders. */
export function normalise(line: string): string {
  let out = line.trimEnd();
  for (const [pattern, replacement] of PLACEHOLDERS) out = out.replace(pattern, replacement);
  return out;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Does one printed line match one shown line? */
export function lineMatches(shown: string, printed: string): boolean {
  const pattern = normalise(shown)
    .split('…')
    .map(escapeRegExp)
    .join('.*?');
  return new RegExp(`^${pattern}$`).test(normalise(printed));
}

export type MatchResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const withoutTrailingBlank = (lines: readonly string[]): string[] => {
  const out = lines.map((l) => l.trimEnd());
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
};

/** The whole output against the lines the document shows. */
export function matchOutput(shown: readonly string[], printed: string): MatchResult {
  const want = withoutTrailingBlank(shown);
  const got = withoutTrailingBlank(printed.replace(/\r\n/g, '\n').split('\n'));
  const rows = Math.max(want.length, got.length);
  for (let i = 0; i < rows; i++) {
    const w = want[i];
    const g = got[i];
    if (w === undefined) return { ok: false, reason: `line ${i + 1} was printed but is not shown: ${JSON.stringify(g)}` };
    if (g === undefined) return { ok: false, reason: `line ${i + 1} is shown but was not printed: ${JSON.stringify(w)}` };
    if (!lineMatches(w, g)) return { ok: false, reason: `line ${i + 1} differs:\n  shown:   ${w}\n  printed: ${g}` };
  }
  return { ok: true };
}

/**
 * The lines of `shown` whose removal would go unnoticed: none, for a shown
 * output that is really checked. (A shown output that matched with a line
 * missing would say nothing about that line.)
 */
export function unnoticedDeletions(shown: readonly string[], printed: string): number[] {
  const want = withoutTrailingBlank(shown);
  return want.map((_, i) => i).filter((i) => matchOutput([...want.slice(0, i), ...want.slice(i + 1)], printed).ok);
}
