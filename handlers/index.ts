import type { HandlerRegistry } from '../shared/handlers.js';
import { echo, fail, sleep } from './examples.js';
import { countWordsHandler, mergeCountsHandler } from './word-count.js';

/**
 * Your task handlers: task `type` → `async (payload, ctx) => result`. Add yours
 * here; every pool's worker loads this registry. A task whose type is not here
 * fails at once (FAILED, not retried).
 */
export const HANDLERS: HandlerRegistry = {
  echo,
  sleep,
  fail,
  'count-words': countWordsHandler,
  'merge-counts': mergeCountsHandler,
};
