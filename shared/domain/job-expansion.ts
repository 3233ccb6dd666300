import type { Json } from './task.js';

/**
 * A job's asynchronous expansion, pure: how its items are cut into stored
 * chunks, and what the expansion cursor on the job means. See
 * docs/architecture.md, "Job expansion".
 */

/** One stored slice of a job's items: children `start` … `start + items.length - 1`. */
export interface ItemChunk {
  readonly start: number;
  readonly items: readonly Json[];
}

/**
 * Limits of one chunk: well inside DynamoDB's 400 KB item (an item is ≤ 256 KiB,
 * so one always fits), and few enough children that one expansion step (write,
 * send, move the cursor) takes well under a second.
 */
export const CHUNK_LIMITS = { bytes: 350 * 1024, items: 250 } as const;

/**
 * Splits items into chunks of at most `limits` (bytes of their JSON array, and
 * count), in order; an item is never split. `sizes[i]` is item i's JSON length
 * in bytes, already measured by the validation (so nothing is serialized twice).
 */
export function chunkItems(items: readonly Json[], sizes: readonly number[], limits: { bytes: number; items: number } = CHUNK_LIMITS): ItemChunk[] {
  const chunks: ItemChunk[] = [];
  let current: Json[] = [];
  let bytes = 2; // "[" and "]"
  let start = 0;
  items.forEach((item, index) => {
    const size = (sizes[index] ?? 0) + 1; // and its comma
    if (current.length > 0 && (bytes + size > limits.bytes || current.length >= limits.items)) {
      chunks.push({ start, items: current });
      current = [];
      bytes = 2;
      start = index;
    }
    current.push(item);
    bytes += size;
  });
  if (current.length > 0) chunks.push({ start, items: current });
  return chunks;
}

/** The expansion's state on a job; absent on jobs whose children were written at submit (before expansion existed). */
export interface Expansion {
  /** Chunks the items were stored in. */
  readonly chunks: number;
  /** The cursor: chunks whose children are all written and sent. */
  readonly chunksDone: number;
  /** Children written and sent so far (the sum of the done chunks' sizes). */
  readonly expanded: number;
  /** The run holding the expansion, and until when (it may write only while it holds it). */
  readonly expander?: string;
  readonly expanderUntil?: string;
}

/** Whether every child of the job has been written and sent (true for jobs without an expansion). */
export function isExpanded(job: Partial<Expansion>): boolean {
  return job.chunks === undefined || (job.chunksDone ?? 0) >= job.chunks;
}

/** Children that exist so far (all of them once expanded). */
export function childrenWritten(job: Partial<Expansion> & { readonly total: number }): number {
  return isExpanded(job) ? job.total : (job.expanded ?? 0);
}

/**
 * How many children, from index 0, may exist: those expanded, plus one chunk a
 * run may be writing (or a crash left half written). Cancelling a job reads this
 * many ids, not all `total` of a job cut short early.
 */
export function childrenThatMayExist(job: Partial<Expansion> & { readonly total: number }): number {
  return isExpanded(job) ? job.total : Math.min(job.total, (job.expanded ?? 0) + CHUNK_LIMITS.items);
}

/** Whether another run may take the expansion at `now`: nobody holds it, or the holder's time is up. */
export function expansionFree(job: Partial<Expansion>, now: Date): boolean {
  return job.expander === undefined || job.expanderUntil === undefined || Date.parse(job.expanderUntil) <= now.getTime();
}

/**
 * An expansion message rides on a work queue as a task message whose id is the
 * job's id and `~expand`: ids the system derives use `~`, which user task ids
 * cannot contain, so no task can take this id.
 */
export const expansionTaskId = (jobId: string): string => `${jobId}~expand`;
/** The job id an expansion message names; undefined for a task's message. */
export const expansionJobId = (taskId: string): string | undefined => (taskId.endsWith('~expand') ? taskId.slice(0, -'~expand'.length) : undefined);
