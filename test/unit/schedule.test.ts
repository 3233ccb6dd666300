import { describe, expect, it } from 'vitest';
import {
  firstDueAt,
  nextDueAfter,
  overlapAction,
  parseEvery,
  parseScheduleInput,
  planDueRuns,
  runIdempotencyKey,
  type ScheduleSpec,
} from '../../shared/domain/schedule.js';

const at = (iso: string) => new Date(iso);
const NOW = at('2026-11-23T19:00:00.000Z');
const fieldsOf = (raw: unknown, now = NOW) => {
  const parsed = parseScheduleInput(raw, now);
  return parsed.ok ? [] : parsed.fields.map((f) => f.field).sort();
};

describe('parseScheduleInput', () => {
  it('applies the defaults: UTC, overlap allow, catchUp latest, not paused', () => {
    const parsed = parseScheduleInput({ every: '5m', task: { type: 'echo' } }, NOW);
    expect(parsed).toEqual({
      ok: true,
      value: { every: '5m', timezone: 'UTC', task: { type: 'echo' }, overlap: 'allow', catchUp: 'latest', paused: false },
    });
  });

  it('names a bad cron with croner’s reason', () => {
    const parsed = parseScheduleInput({ cron: '61 * * * *', task: { type: 'echo' } }, NOW);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.fields).toEqual([{ field: 'cron', message: expect.stringMatching(/^is not a cron expression: /) }]);
  });

  it('names both fields when cron and every are both given, and cron when neither is', () => {
    expect(fieldsOf({ cron: '* * * * *', every: '1m', task: { type: 'echo' } })).toEqual(['cron', 'every']);
    expect(fieldsOf({ task: { type: 'echo' } })).toEqual(['cron']);
  });

  it('names an unknown timezone, a bad interval, a bad policy and the task’s own fields, all at once', () => {
    expect(
      fieldsOf({
        cron: '0 9 * * 1',
        timezone: 'Mars/Olympus_Mons',
        overlap: 'sometimes',
        catchUp: 'maybe',
        task: { type: 'echo', priority: 'urgent', idempotencyKey: 'k', colour: 'red' },
        extra: 1,
      }),
    ).toEqual(['catchUp', 'extra', 'overlap', 'task.colour', 'task.idempotencyKey', 'task.priority', 'timezone']);
    expect(fieldsOf({ every: '500ms', task: { type: 'echo' } })).toEqual(['every']);
    expect(fieldsOf({ every: '0s', task: { type: 'echo' } })).toEqual(['every']);
    expect(fieldsOf({ every: '1s' })).toEqual(['task']);
  });

  it('keeps a template small enough to live in the schedule’s item', () => {
    expect(fieldsOf({ every: '1m', task: { type: 'echo', payload: { blob: 'x'.repeat(300 * 1024) } } })).toEqual(['task']);
  });

  it('wants endAt in the future and after startAt', () => {
    expect(fieldsOf({ every: '1m', endAt: '2026-11-23T18:00:00Z', task: { type: 'echo' } })).toEqual(['endAt']);
    expect(fieldsOf({ every: '1m', startAt: '2026-12-02T00:00:00Z', endAt: '2026-12-01T00:00:00Z', task: { type: 'echo' } })).toEqual(['endAt']);
  });
});

describe('parseEvery', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(['30s', '5m', '1h', '2d', '1x', '5', 'm5'].map(parseEvery)).toEqual([30_000, 300_000, 3_600_000, 172_800_000, undefined, undefined, undefined]);
  });
});

describe('next due times', () => {
  const cron = (pattern: string, timezone = 'UTC', extra: Partial<ScheduleSpec> = {}): ScheduleSpec => ({ cron: pattern, timezone, ...extra });

  it('evaluates cron in the schedule’s timezone', () => {
    // 09:00 in New York on a Monday in November (EST, UTC-5) is 14:00 UTC.
    expect(nextDueAfter(cron('0 9 * * 1', 'America/New_York'), NOW)?.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    // In July (EDT, UTC-4) the same local time is 13:00 UTC.
    expect(nextDueAfter(cron('0 9 * * 1', 'America/New_York'), at('2026-07-01T00:00:00Z'))?.toISOString()).toBe('2026-07-06T13:00:00.000Z');
    expect(nextDueAfter(cron('0 9 * * 1'), NOW)?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
  });

  it('runs a local time a DST jump skips at the first instant after it, and a repeated hour once', () => {
    const berlin = cron('30 2 * * *', 'Europe/Berlin');
    // 2026-03-29 02:30 does not exist in Berlin (clocks go 02:00 → 03:00 CEST).
    expect(nextDueAfter(berlin, at('2026-03-28T12:00:00Z'))?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // 2026-10-25 02:30 happens twice (CEST, then CET); it runs once, at the first.
    let t = at('2026-10-24T12:00:00Z');
    const runs: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      t = nextDueAfter(berlin, t) as Date;
      runs.push(t.toISOString());
    }
    expect(runs).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  });

  it('aligns every to the epoch, or to startAt when given', () => {
    expect(nextDueAfter({ every: '1h', timezone: 'UTC' }, at('2026-11-23T19:20:00Z'))?.toISOString()).toBe('2026-11-23T20:00:00.000Z');
    const phased = { every: '1h', timezone: 'UTC', startAt: '2026-11-23T19:15:00.000Z' };
    expect(nextDueAfter(phased, at('2026-11-23T19:20:00Z'))?.toISOString()).toBe('2026-11-23T20:15:00.000Z');
    expect(firstDueAt(phased, at('2026-11-23T10:00:00Z'))?.toISOString()).toBe('2026-11-23T19:15:00.000Z');
  });

  it('starts at now when now is a due time, and ends at endAt', () => {
    expect(firstDueAt({ every: '2s', timezone: 'UTC' }, at('2026-11-23T19:00:04.000Z'))?.toISOString()).toBe('2026-11-23T19:00:04.000Z');
    const ending = { every: '1m', timezone: 'UTC', endAt: '2026-11-23T19:02:00.000Z' };
    expect(nextDueAfter(ending, at('2026-11-23T19:01:00Z'))?.toISOString()).toBe('2026-11-23T19:02:00.000Z');
    expect(nextDueAfter(ending, at('2026-11-23T19:02:00Z'))).toBeUndefined();
  });
});

describe('planDueRuns', () => {
  const every = (catchUp: 'none' | 'latest' | 'all') => ({ every: '1m', timezone: 'UTC', catchUp });
  const due = at('2026-11-23T19:00:00Z');

  it('runs the one due time of an on-time tick, and the next is one interval on', () => {
    const plan = planDueRuns(every('latest'), due, at('2026-11-23T19:00:00.300Z'), 90_000);
    expect(plan.runs.map((d) => d.toISOString())).toEqual(['2026-11-23T19:00:00.000Z']);
    expect(plan).toMatchObject({ skipped: 0, next: at('2026-11-23T19:01:00Z') });
  });

  it('after ten minutes down: latest runs once, all runs each, none runs nothing', () => {
    const now = at('2026-11-23T19:10:30Z');
    const latest = planDueRuns(every('latest'), due, now, 90_000);
    expect(latest.runs.map((d) => d.toISOString())).toEqual(['2026-11-23T19:10:00.000Z']);
    expect(latest).toMatchObject({ skipped: 10, next: at('2026-11-23T19:11:00Z') });

    const all = planDueRuns(every('all'), due, now, 90_000);
    expect(all.runs).toHaveLength(11);
    expect(all).toMatchObject({ skipped: 0, next: at('2026-11-23T19:11:00Z') });

    // The latest due time (19:10) is 30 s late, within the grace: a late tick, not downtime.
    expect(planDueRuns(every('none'), due, now, 90_000).runs.map((d) => d.toISOString())).toEqual(['2026-11-23T19:10:00.000Z']);
    const none = planDueRuns(every('none'), due, now, 10_000);
    expect(none).toMatchObject({ runs: [], skipped: 11, next: at('2026-11-23T19:11:00Z') });
  });

  it('catches up at most a batch per tick under all, leaving the rest due', () => {
    const plan = planDueRuns({ every: '1s', timezone: 'UTC', catchUp: 'all' }, due, at('2026-11-23T20:00:00Z'), 0);
    expect(plan.runs).toHaveLength(100);
    expect(plan.next?.toISOString()).toBe('2026-11-23T19:01:40.000Z');
  });

  it('finds the latest cron time after downtime', () => {
    const spec = { cron: '*/15 * * * *', timezone: 'Asia/Kolkata', catchUp: 'latest' as const };
    const plan = planDueRuns(spec, at('2026-11-23T19:00:00Z'), at('2026-11-23T20:05:00Z'), 90_000);
    expect(plan.runs.map((d) => d.toISOString())).toEqual(['2026-11-23T20:00:00.000Z']);
    expect(plan).toMatchObject({ skipped: 4, next: at('2026-11-23T20:15:00Z') });
  });
});

describe('overlap', () => {
  it('skips or cancels only while the previous run is PENDING or ACTIVE', () => {
    expect(overlapAction('skip', 'ACTIVE')).toBe('skip');
    expect(overlapAction('skip', 'PENDING')).toBe('skip');
    expect(overlapAction('skip', 'COMPLETED')).toBe('submit');
    expect(overlapAction('skip', undefined)).toBe('submit');
    expect(overlapAction('cancel-previous', 'ACTIVE')).toBe('cancel-previous');
    expect(overlapAction('cancel-previous', 'FAILED')).toBe('submit');
    expect(overlapAction('allow', 'ACTIVE')).toBe('submit');
  });
});

it('derives the run’s idempotency key from the schedule and the due time', () => {
  expect(runIdempotencyKey('s-1', at('2026-11-23T19:00:00Z'))).toBe('schedule:s-1:2026-11-23T19:00:00.000Z');
});
