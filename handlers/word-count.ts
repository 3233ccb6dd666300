import type { Json } from '../shared/domain/task.js';
import { UnrecoverableError, type TaskHandler } from '../shared/handlers.js';

export type WordCounts = Record<string, number>;

/** Lower-cased words of a text, counted. */
export function countWords(text: string): WordCounts {
  const counts: WordCounts = {};
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []) {
    const clean = word.replace(/^'+|'+$/g, '');
    if (clean !== '') counts[clean] = (counts[clean] ?? 0) + 1;
  }
  return counts;
}

/** Sums many counts into one. */
export function mergeCounts(all: Iterable<WordCounts>): WordCounts {
  const total: WordCounts = {};
  for (const counts of all) for (const [word, n] of Object.entries(counts)) total[word] = (total[word] ?? 0) + n;
  return total;
}

/** map: `{text}` → word counts. */
export const countWordsHandler: TaskHandler = (payload) => {
  const text = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload.text : undefined;
  if (typeof text !== 'string') throw new UnrecoverableError('count-words needs a payload {"text": "..."}');
  return countWords(text);
};

/** reduce: the job's children's counts (`ctx.childResults`), or `{results: [counts, …]}`, summed. */
export const mergeCountsHandler: TaskHandler = async (payload, ctx) => {
  const all: WordCounts[] = [];
  if (ctx.childResults !== undefined) {
    for await (const { result } of ctx.childResults()) if (isCounts(result)) all.push(result);
    return mergeCounts(all);
  }
  const results = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload.results : undefined;
  if (!Array.isArray(results)) throw new UnrecoverableError('merge-counts runs as a job reduce, or needs a payload {"results": [...]}');
  return mergeCounts(results.filter(isCounts));
};

function isCounts(value: Json): value is WordCounts {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((n) => typeof n === 'number');
}
