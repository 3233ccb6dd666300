import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstOfShards, nextReads, type ShardPage } from '../../shared/adapters/dynamodb/shard-merge.js';

/** Shards held in memory, read as DynamoDB pages them: `limit` keys examined, a filter dropping some, a frontier while any remain. */
function shardReader(shards: readonly string[][], descending: boolean, keep: (key: string) => boolean = () => true) {
  const sorted = shards.map((keys) => [...keys].sort((a, b) => (descending ? b.localeCompare(a) : a.localeCompare(b))));
  const place = sorted.map(() => 0);
  let examined = 0;
  const read = async (shard: number, limit: number): Promise<ShardPage<string>> => {
    const keys = sorted[shard] ?? [];
    const from = place[shard] ?? 0;
    const page = keys.slice(from, from + limit);
    place[shard] = from + page.length;
    examined += page.length;
    const last = page.at(-1);
    return { items: page.filter(keep).map((key) => ({ key, item: key })), ...(from + limit <= keys.length && last !== undefined ? { frontier: last } : {}) };
  };
  return { read, examined: () => examined };
}

const key = fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0'));

describe('reading the first keys of a sharded set', () => {
  it('returns exactly the first `want` keys of the whole set, in order, whatever the shards hold and a filter drops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(key, fc.integer({ min: 0, max: 15 })), { selector: ([k]) => k, maxLength: 120 }),
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        async (placed, want, descending, dropEvery) => {
          const shards = Array.from({ length: 16 }, (_, n) => placed.filter(([, s]) => s === n).map(([k]) => k));
          const keep = (k: string): boolean => Number(k) % dropEvery !== 0 || dropEvery === 1;
          const { read } = shardReader(shards, descending, keep);
          const got = await firstOfShards(16, want, descending, read);
          const expected = placed
            .map(([k]) => k)
            .filter(keep)
            .sort((a, b) => (descending ? b.localeCompare(a) : a.localeCompare(b)))
            .slice(0, want);
          expect(got.map((g) => g.key)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads about `want` keys and a few per shard, not `want` from every shard, when keys are spread over the shards (ids are hashed)', async () => {
    const shards = Array.from({ length: 16 }, (_, s) => Array.from({ length: 100 }, (_, n) => String(n * 16 + ((s * 7) % 16)).padStart(5, '0')));
    for (const descending of [true, false]) {
      const { read, examined } = shardReader(shards, descending);
      const got = await firstOfShards(16, 50, descending, read);
      expect(got).toHaveLength(50);
      expect(examined()).toBeLessThan(50 + 16 * 4);
    }
  });

  it('reads no shard further once its frontier comes after the `want`-th key', () => {
    expect(nextReads([{ keys: ['9', '8'], frontier: '8' }, { keys: ['5'], frontier: '5' }, { keys: [] }], 2, true)).toEqual({ read: [] });
    expect(nextReads([{ keys: ['9', '8'], frontier: '8' }, { keys: ['5'], frontier: '5' }], 3, true)).toEqual({ read: [0] });
    expect(nextReads([{ keys: ['9', '8'], frontier: '8' }, { keys: ['5'], frontier: '5' }], 4, true)).toEqual({ read: [0, 1] });
    expect(nextReads([{ keys: ['9'], frontier: '9' }, { keys: ['5'], frontier: '5' }], 2, true)).toEqual({ read: [0] });
  });
});
