import { describe, expect, it } from 'vitest';
import { CANCEL_STEP, cancellationEnd, hasJobWork, isCancelling, jobWorkStalled, mapStageStatus, nextCancelStep } from '../../shared/domain/job-cancellation.js';
import { STEP_CHILDREN } from '../../shared/domain/job-expansion.js';

const expanded = { total: 1_000, status: 'CANCELLED' as const, chunkStarts: [0], expanded: 1_000, cancelCursor: 0 };
/** Cancelled while expanding: 500 children written, a run may have had the next step in hand. */
const cutShort = { ...expanded, expanded: 500 };

describe('a stopped job’s cancellation', () => {
  it('is under way while a stopped job has its cursor, and only then', () => {
    expect(isCancelling(expanded)).toBe(true);
    expect(isCancelling({ ...expanded, status: 'FAILED' })).toBe(true);
    expect(isCancelling({ ...expanded, cancelCursor: undefined })).toBe(false);
    expect(isCancelling({ ...expanded, status: 'RUNNING' })).toBe(false);
  });

  it('ends after every child that may exist: all of an expanded job, the expanded ones and one step of a job cut short', () => {
    expect(cancellationEnd(expanded)).toBe(1_000);
    expect(cancellationEnd(cutShort)).toBe(500 + STEP_CHILDREN);
    expect(cancellationEnd({ total: 40, status: 'CANCELLED' })).toBe(40); // children written at submit
  });

  it('steps from the cursor to the end, the last step marked', () => {
    const steps: [number, number, boolean][] = [];
    for (let cursor = 0; ; ) {
      const step = nextCancelStep(expanded, cursor, 300);
      steps.push([step.from, step.to, step.last]);
      if (step.last) break;
      cursor = step.to;
    }
    expect(steps).toEqual([[0, 300, false], [300, 600, false], [600, 900, false], [900, 1_000, true]]);
    expect(nextCancelStep(cutShort, 0)).toEqual({ from: 0, to: Math.min(CANCEL_STEP, 750), last: CANCEL_STEP >= 750 });
  });

  it('finishes with an empty last step when the cursor is already at the end (a run crashed after cancelling the last step)', () => {
    expect(nextCancelStep(expanded, 1_000)).toEqual({ from: 1_000, to: 1_000, last: true });
  });

  it('a 100,000-child job takes 250 steps, none more than CANCEL_STEP children', () => {
    const job = { ...expanded, total: 100_000, expanded: 100_000 };
    let steps = 0;
    for (let cursor = 0; ; steps++) {
      const step = nextCancelStep(job, cursor);
      expect(step.to - step.from).toBeLessThanOrEqual(CANCEL_STEP);
      if (step.last) break;
      cursor = step.to;
    }
    expect(steps + 1).toBe(Math.ceil(100_000 / CANCEL_STEP));
  });
});

describe('the map stage a job shows', () => {
  it('CANCELLING while the cancellation runs, then CANCELLED or DONE', () => {
    expect(mapStageStatus(expanded, false)).toBe('CANCELLING');
    expect(mapStageStatus(expanded, true)).toBe('CANCELLING');
    expect(mapStageStatus({ ...expanded, cancelCursor: undefined }, false)).toBe('CANCELLED');
    expect(mapStageStatus({ ...expanded, cancelCursor: undefined }, true)).toBe('DONE');
  });

  it('EXPANDING, then RUNNING, then DONE for a running job', () => {
    const running = { total: 1_000, status: 'RUNNING' as const, chunkStarts: [0], expanded: 500 };
    expect(mapStageStatus(running, false)).toBe('EXPANDING');
    expect(mapStageStatus({ ...running, expanded: 1_000 }, false)).toBe('RUNNING');
    expect(mapStageStatus({ ...running, expanded: 1_000 }, true)).toBe('DONE');
  });
});

describe('whether a job message has work to carry on', () => {
  it('an unfinished expansion or a cancellation under way; nothing for a finished or settled job', () => {
    expect(hasJobWork({ total: 1_000, status: 'RUNNING', chunkStarts: [0], expanded: 500 })).toBe(true);
    expect(hasJobWork({ total: 1_000, status: 'RUNNING', chunkStarts: [0], expanded: 1_000 })).toBe(false);
    expect(hasJobWork(expanded)).toBe(true);
    expect(hasJobWork({ ...expanded, cancelCursor: undefined })).toBe(false);
    expect(hasJobWork({ total: 10, status: 'COMPLETED' })).toBe(false);
  });
});

describe('when the sweep asks for a job’s work again', () => {
  const now = new Date('2026-03-01T10:05:00.000Z');
  const minute = 60_000;
  const stale = '2026-03-01T10:00:00.000Z';
  /** Cancelled while an expansion run had a step in hand: the run's hold stays on the stopped job. */
  const heldByExpansion = { ...cutShort, updatedAt: stale, expander: 'expansion-run', expanderUntil: '2026-03-01T10:06:00.000Z' };

  it('not while the expansion run that held the job when it stopped still holds it, however long nothing moved', () => {
    expect(jobWorkStalled(heldByExpansion, now, minute)).toBe(false);
  });

  it('once that hold ended (the run died) and nothing moved for the minute: the cancellation then covers what it wrote', () => {
    expect(jobWorkStalled({ ...heldByExpansion, expanderUntil: '2026-03-01T10:04:59.000Z' }, now, minute)).toBe(true);
    expect(jobWorkStalled({ ...heldByExpansion, expander: undefined, expanderUntil: undefined }, now, minute)).toBe(true);
    expect(cancellationEnd(heldByExpansion)).toBe(500 + STEP_CHILDREN);
  });

  it('not for a job that moved within the minute, nor one without work', () => {
    expect(jobWorkStalled({ ...cutShort, updatedAt: '2026-03-01T10:04:30.000Z' }, now, minute)).toBe(false);
    expect(jobWorkStalled({ ...cutShort, cancelCursor: undefined, updatedAt: stale }, now, minute)).toBe(false);
    expect(jobWorkStalled({ total: 1_000, status: 'RUNNING', chunkStarts: [0], expanded: 500, updatedAt: stale }, now, minute)).toBe(true);
  });
});
