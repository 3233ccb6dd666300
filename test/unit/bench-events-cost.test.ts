import { describe, expect, it } from 'vitest';
import { fitDuration } from '../../bench/events-cost.js';
import { matchesAnyFilter, matchesFilter } from '../../bench/events/filter.js';
import { STREAM_FILTER_PATTERNS } from '../../shared/adapters/dynamodb/stream-records.js';
import { customMetricCount, operatorAlarmCount } from '../../shared/topology/alarms.js';
import { buildTopology } from '../../shared/topology/topology.js';

const task = (eventName: string, status: string, old?: string) => ({
  eventName,
  dynamodb: { NewImage: { sk: { S: 'task' }, status: { S: status } }, ...(old !== undefined ? { OldImage: { sk: { S: 'task' }, status: { S: old } } } : {}) },
});

describe('the events cost bench', () => {
  it('lets through to Lambda what the stream mapping’s filter does: creations, starts, ends; not progress', () => {
    expect(matchesAnyFilter(STREAM_FILTER_PATTERNS, task('INSERT', 'PENDING'))).toBe(true);
    expect(matchesAnyFilter(STREAM_FILTER_PATTERNS, task('MODIFY', 'ACTIVE', 'PENDING'))).toBe(true);
    expect(matchesAnyFilter(STREAM_FILTER_PATTERNS, task('MODIFY', 'COMPLETED', 'ACTIVE'))).toBe(true);
    expect(matchesAnyFilter(STREAM_FILTER_PATTERNS, task('MODIFY', 'ACTIVE', 'ACTIVE'))).toBe(false);
    // A task the table lists itself (`task#<id>`), as every new one is.
    const listed = { eventName: 'MODIFY', dynamodb: { NewImage: { sk: { S: 'task#019b76da-a800-7417' } , status: { S: 'COMPLETED' } }, OldImage: { status: { S: 'ACTIVE' } } } };
    expect(matchesAnyFilter(STREAM_FILTER_PATTERNS, listed)).toBe(true);
    expect(matchesAnyFilter(STREAM_FILTER_PATTERNS, { eventName: 'REMOVE', dynamodb: { OldImage: { sk: { S: 'task#019b76da-a800-7417' } } } })).toBe(true);
    expect(matchesAnyFilter(STREAM_FILTER_PATTERNS, { eventName: 'MODIFY', dynamodb: { NewImage: { sk: { S: 'n#1' } } } })).toBe(false);
    // A circuit (one per tenant × task type) changing.
    expect(matchesAnyFilter(STREAM_FILTER_PATTERNS, { eventName: 'MODIFY', dynamodb: { NewImage: { sk: { S: 'CIRCUIT#acme#resize' } } } })).toBe(true);
  });

  it('refuses filter operators it cannot evaluate rather than miscounting', () => {
    expect(() => matchesFilter({ a: [{ exists: true }] }, { a: 'xy' })).toThrow(/not supported/);
    expect(matchesFilter({ a: [{ prefix: 'x' }] }, { a: 'xy' })).toBe(true);
    expect(matchesFilter({ a: [{ prefix: 'x' }] }, { a: 'yx' })).toBe(false);
  });

  it('fits a consumer invocation’s duration as a fixed part plus a part per record', () => {
    const fit = fitDuration([10, 50, 100].map((records) => ({ records, ms: 20 + 2 * records })));
    expect(fit.fixedMs).toBeCloseTo(20);
    expect(fit.perRecordMs).toBeCloseTo(2);
    // One batch size only: all of it per record.
    expect(fitDuration([{ records: 10, ms: 50 }, { records: 10, ms: 70 }])).toEqual({ fixedMs: 0, perRecordMs: 6 });
  });

  it('counts the alarms and custom metrics a topology costs', () => {
    const topology = buildTopology([
      { name: 'general', capabilities: [] },
      { name: 'gpu', capabilities: ['gpu'], runsOn: 'agents' },
    ]);
    // 2 pools × 4 priorities × (age + DLQ) + 2 DLQs + (1 worker + 2 events functions) × 2 + API 5xx
    // + (sweep, schedule tick) × (errors, throttles, not invoked) + the stream consumer's iterator age
    expect(operatorAlarmCount(topology)).toBe(16 + 2 + 6 + 1 + 2 * 3 + 1);
    expect(customMetricCount(topology)).toBe(2 * 4 * 11 + 2 * 2 + 4);
  });
});
