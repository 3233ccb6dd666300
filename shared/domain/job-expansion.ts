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
 * Limits of one stored chunk: well inside DynamoDB's 400 KB item (an item is
 * ≤ 256 KiB, so one always fits), and few enough items that parsing one is quick.
 * A 10,000-item job of small items is one chunk: one write at submit.
 */
export const CHUNK_LIMITS = { bytes: 350 * 1024, items: 10_000 } as const;

/** Children one expansion step writes and sends: a step takes well under a second on DynamoDB. */
export const STEP_CHILDREN = 250;

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
  /** Where each stored chunk of items starts (child index); chunk n holds children chunkStarts[n] … chunkStarts[n+1] − 1. */
  readonly chunkStarts: readonly number[];
  /** The cursor: children 0 … expanded − 1 are written and sent. */
  readonly expanded: number;
  /** The run holding the expansion, and until when (it may write only while it holds it). */
  readonly expander?: string;
  readonly expanderUntil?: string;
}

type Expandable = Partial<Expansion> & { readonly total: number };

/** Whether every child of the job has been written and sent (true for jobs without an expansion). */
export function isExpanded(job: Expandable): boolean {
  return job.chunkStarts === undefined || (job.expanded ?? 0) >= job.total;
}

/** Children that exist so far (all of them once expanded). */
export function childrenWritten(job: Expandable): number {
  return isExpanded(job) ? job.total : (job.expanded ?? 0);
}

/**
 * How many children, from index 0, may exist: those expanded, plus one step a
 * run may be writing (or a crash left half written). Cancelling a job reads this
 * many ids, not all `total` of a job cut short early.
 */
export function childrenThatMayExist(job: Expandable): number {
  return isExpanded(job) ? job.total : Math.min(job.total, (job.expanded ?? 0) + STEP_CHILDREN);
}

/** The next step from the cursor: which stored chunk, and children [from, to) — never past the chunk's end. Undefined when expanded. */
export function nextStep(job: Expandable & { readonly chunkStarts: readonly number[] }, cursor: number): { chunk: number; from: number; to: number } | undefined {
  if (cursor >= job.total) return undefined;
  let chunk = 0;
  while (chunk + 1 < job.chunkStarts.length && (job.chunkStarts[chunk + 1] as number) <= cursor) chunk++;
  const chunkEnd = job.chunkStarts[chunk + 1] ?? job.total;
  return { chunk, from: cursor, to: Math.min(cursor + STEP_CHILDREN, chunkEnd) };
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
