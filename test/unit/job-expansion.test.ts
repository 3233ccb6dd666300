import { describe, expect, it } from 'vitest';
import {
  childrenThatMayExist,
  childrenWritten,
  chunkItems,
  CHUNK_LIMITS,
  expansionFree,
  expansionJobId,
  expansionTaskId,
  isExpanded,
  nextStep,
  STEP_CHILDREN,
} from '../../shared/domain/job-expansion.js';
import { parseJobInput } from '../../shared/domain/job.js';
import { jsonByteLength } from '../../shared/domain/limits.js';

const sizes = (items: readonly unknown[]) => items.map((item) => jsonByteLength(item));

describe('chunkItems', () => {
  it('keeps every item, in order, each chunk within the byte and count limits', () => {
    const items = Array.from({ length: 2_345 }, (_, i) => ({ i, pad: 'x'.repeat((i * 37) % 900) }));
    const chunks = chunkItems(items, sizes(items));
    expect(chunks.flatMap((c) => c.items)).toEqual(items);
    for (const chunk of chunks) {
      expect(chunk.items.length).toBeLessThanOrEqual(CHUNK_LIMITS.items);
      expect(jsonByteLength(chunk.items)).toBeLessThanOrEqual(CHUNK_LIMITS.bytes);
      expect(items[chunk.start]).toEqual(chunk.items[0]);
    }
  });

  it('starts a new chunk before one would pass the byte limit, and never splits an item', () => {
    const big = 'x'.repeat(200 * 1024);
    const chunks = chunkItems([big, big, 'small', big], sizes([big, big, 'small', big]));
    expect(chunks.map((c) => [c.start, c.items.length])).toEqual([[0, 1], [1, 2], [3, 1]]);
  });

  it('cuts by count when items are small: 10,000 small items are one chunk', () => {
    const items = Array.from({ length: 20_001 }, (_, i) => i % 10);
    expect(chunkItems(items, sizes(items)).map((c) => c.items.length)).toEqual([10_000, 10_000, 1]);
  });
});

describe('the expansion cursor', () => {
  const expanding = { total: 1_000, chunkStarts: [0, 600], expanded: 500 };

  it('counts a job as expanded when its cursor reached the total, or when it never had one', () => {
    expect(isExpanded(expanding)).toBe(false);
    expect(isExpanded({ ...expanding, expanded: 1_000 })).toBe(true);
    expect(isExpanded({ total: 3 })).toBe(true); // children written at submit, before expansion existed
  });

  it('knows which children may exist: the expanded ones and one step a run may have in hand', () => {
    expect(childrenWritten(expanding)).toBe(500);
    expect(childrenThatMayExist(expanding)).toBe(500 + STEP_CHILDREN);
    expect(childrenThatMayExist({ ...expanding, expanded: 900 })).toBe(1_000);
    expect(childrenThatMayExist({ ...expanding, expanded: 1_000 })).toBe(1_000);
  });

  it('steps through the stored chunks, never past a chunk’s end or the total', () => {
    const steps: [number, number, number][] = [];
    for (let step = nextStep(expanding, 0); step !== undefined; step = nextStep(expanding, step.to)) steps.push([step.chunk, step.from, step.to]);
    expect(steps).toEqual([[0, 0, 250], [0, 250, 500], [0, 500, 600], [1, 600, 850], [1, 850, 1_000]]);
    expect(nextStep(expanding, 1_000)).toBeUndefined();
  });

  it('lets another run take the expansion only once the holder’s time is up', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(expansionFree({}, now)).toBe(true);
    expect(expansionFree({ expander: 'a', expanderUntil: '2026-11-23T12:00:30.000Z' }, now)).toBe(false);
    expect(expansionFree({ expander: 'a', expanderUntil: '2026-11-23T11:59:59.000Z' }, now)).toBe(true);
  });
});

describe('expansion messages', () => {
  it('round-trips a job id through a reserved task id, which no user task id can take', () => {
    expect(expansionJobId(expansionTaskId('3f2a'))).toBe('3f2a');
    expect(expansionJobId('3f2a~7')).toBeUndefined();
    expect(expansionJobId('3f2a~reduce')).toBeUndefined();
  });
});

describe('parseJobInput for large jobs', () => {
  it('accepts an idempotencyKey, and measures each item once for chunking', () => {
    const parsed = parseJobInput({ map: { type: 'x', items: [1, { a: 'bc' }] }, idempotencyKey: 'nightly-1' });
    expect(parsed).toMatchObject({ ok: true, value: { idempotencyKey: 'nightly-1', itemBytes: [1, 10] } });
  });

  it('names an item nested too deep', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    const parsed = parseJobInput({ map: { type: 'x', items: [1, deep] } });
    expect(parsed.ok ? [] : parsed.fields.map((f) => f.field)).toEqual(['map.items.1']);
  });

  it('validates 100,000 items', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({ text: i % 2 === 0 ? 'even' : 'odd' }));
    const started = performance.now();
    const parsed = parseJobInput({ map: { type: 'count-words', items } });
    console.log(`parseJobInput: 100,000 items in ${(performance.now() - started).toFixed(0)} ms`);
    expect(parsed.ok).toBe(true);
  });
});
