import { mapWithConcurrency } from '../../concurrency.js';

/**
 * Reading the first `want` keys, in key order, of a set sharded across partitions:
 * a few keys of every shard at a time, and more only from the shards that could
 * still hold one of the first `want`. The union of each shard's first page is not a
 * prefix of the whole order (one shard may hold all of the newest keys), so taking
 * `want` from every shard is correct but reads `shards × want` items; this reads
 * about `want` plus a few per shard when keys are spread evenly over the shards (ids
 * are hashed into them), and still exactly the first `want` when they are not.
 * Pure: the I/O is the caller's `read`.
 */

/**
 * Shard reads in flight at once: the SDK's connection pool holds 50 sockets, and 64
 * shards queried at once would queue (and warn) in every list call.
 */
const READS_IN_FLIGHT = 32;
/** The most items a shard is asked for at once (a Query page stops at 1 MB anyway). */
const MAX_PAGE = 1000;

/** What has been read of one shard: its keys in order, and how far it was examined. */
export interface ShardProgress {
  readonly keys: readonly string[];
  /** The last key the shard was examined to (a filter may have dropped it); absent once the shard is read to its end. */
  readonly frontier?: string;
}

export interface MergeStep {
  /** Shards to read further before the first `want` keys are known. Empty: they are. */
  readonly read: readonly number[];
}

/** `a` comes before `b` in the order read. */
const before = (a: string, b: string, descending: boolean): boolean => (descending ? a > b : a < b);

/**
 * Which shards must be read further. A shard's unread keys all come after its
 * frontier, so it can only hold one of the first `want` keys if its frontier comes
 * before the `want`-th key read so far (or fewer than `want` keys are read).
 */
export function nextReads(shards: readonly ShardProgress[], want: number, descending: boolean): MergeStep {
  const merged = shards.flatMap((s) => s.keys).sort((a, b) => (before(a, b, descending) ? -1 : before(b, a, descending) ? 1 : 0));
  const last = merged.length >= want ? merged[want - 1] : undefined;
  const read = shards.flatMap((shard, n) =>
    shard.frontier !== undefined && (last === undefined || before(shard.frontier, last, descending)) ? [n] : [],
  );
  return { read };
}

/** One page of a shard: its keyed items, and where to go on from (absent at its end). */
export interface ShardPage<T> {
  readonly items: readonly { readonly key: string; readonly item: T }[];
  readonly frontier?: string;
}

/**
 * The first `want` items of the shards in key order. `read(shard, limit)` returns the
 * shard's next page (the caller keeps each shard's place); the first round asks every
 * shard for its share and one more, later rounds only the shards `nextReads` names.
 */
export async function firstOfShards<T>(
  shardCount: number,
  want: number,
  descending: boolean,
  read: (shard: number, limit: number) => Promise<ShardPage<T>>,
): Promise<{ key: string; item: T }[]> {
  const progress = Array.from({ length: shardCount }, (): { items: { key: string; item: T }[]; frontier?: string } => ({ items: [] }));
  let pending = progress.map((_, n) => n);
  // A shard read again asks for twice as many as last time: a filter that matches few
  // items (a type, a status) then takes a few rounds, not one per `limit` items.
  const limits = progress.map(() => Math.ceil(want / shardCount) + 1);
  while (pending.length > 0 && want > 0) {
    const pages = await mapWithConcurrency(pending, READS_IN_FLIGHT, async (n) => {
      const limit = limits[n] ?? 1;
      limits[n] = Math.min(MAX_PAGE, limit * 2);
      return { n, page: await read(n, limit) };
    });
    for (const { n, page } of pages) {
      const shard = progress[n];
      if (shard === undefined) continue;
      shard.items.push(...page.items);
      if (page.frontier === undefined) delete shard.frontier;
      else shard.frontier = page.frontier;
    }
    const examined = progress.map((s): ShardProgress => ({ keys: s.items.map((i) => i.key), ...(s.frontier !== undefined ? { frontier: s.frontier } : {}) }));
    pending = [...nextReads(examined, want, descending).read];
  }
  return progress
    .flatMap((s) => s.items)
    .sort((a, b) => (before(a.key, b.key, descending) ? -1 : before(b.key, a.key, descending) ? 1 : 0))
    .slice(0, want);
}
