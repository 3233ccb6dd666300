import { describe, expect, it } from 'vitest';
import { countWords, countWordsHandler, mergeCounts, mergeCountsHandler } from '../../handlers/word-count.js';
import type { TaskContext } from '../../shared/handlers.js';

const ctx = {} as TaskContext;

describe('word count', () => {
  it('counts lower-cased words, keeping inner apostrophes', () => {
    expect(countWords("The cat's hat — the CAT, the 'end'.")).toEqual({ the: 3, "cat's": 1, hat: 1, cat: 1, end: 1 });
  });

  it('merges counts', () => {
    expect(mergeCounts([{ a: 1, b: 2 }, { b: 3 }, {}])).toEqual({ a: 1, b: 5 });
  });

  it('runs as map and reduce handlers, refusing payloads of the wrong shape for good', async () => {
    expect(await countWordsHandler({ text: 'a b a' }, ctx)).toEqual({ a: 2, b: 1 });
    expect(await mergeCountsHandler({ results: [{ a: 2 }, { a: 1, b: 1 }] }, ctx)).toEqual({ a: 3, b: 1 });
    expect(() => countWordsHandler({ words: 1 }, ctx)).toThrow('count-words needs');
  });
});
