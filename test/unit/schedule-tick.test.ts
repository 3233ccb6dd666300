import { describe, expect, it } from 'vitest';
import { MemoryScheduleStore } from '../../shared/adapters/memory/memory-schedule-store.js';
import { ConflictError, ValidationError } from '../../shared/errors.js';
import { cancelTask } from '../../shared/services/cancel-task.js';
import { tickSchedules, tickWindow } from '../../shared/services/schedule-tick.js';
import { createSchedule, pauseSchedule, resumeSchedule, type ScheduleDeps } from '../../shared/services/schedules.js';
import { memoryServices } from '../helpers/memory-services.js';

const START = new Date('2026-11-23T19:00:00.500Z');

function deps() {
  const services = memoryServices(START);
  let n = 0;
  const d: ScheduleDeps & { advance(seconds: number): void } = {
    ...services,
    // Distinct ids for schedules and tasks, still deterministic.
    newId: () => `id-${++n}`,
    schedules: new MemoryScheduleStore(),
    advance: services.advance,
  };
  return { d, services };
}

const at = (offsetSeconds: number) => new Date(START.getTime() + offsetSeconds * 1000);

describe('the schedule tick (memory stores, injected clock)', () => {
  it('submits each due run once, even with every tick delivered twice', async () => {
    const { d, services } = deps();
    const schedule = await createSchedule(d, 'acme', { every: '2s', task: { type: 'echo', payload: { hi: 1 } } });
    expect(schedule.nextRunAt).toBe('2026-11-23T19:00:02.000Z');

    for (const offset of [1.5, 3.5, 5.5]) {
      const now = at(offset);
      // Two deliveries of the same tick at once, then a third after.
      await Promise.all([tickSchedules(d, now), tickSchedules(d, now)]);
      await tickSchedules(d, now);
    }
    const tasks = [...services.table.tasks.values()].filter((t) => t.type === 'echo');
    expect(tasks.map((t) => t.idempotencyKey).sort()).toEqual([
      `schedule:${schedule.id}:2026-11-23T19:00:02.000Z`,
      `schedule:${schedule.id}:2026-11-23T19:00:04.000Z`,
      `schedule:${schedule.id}:2026-11-23T19:00:06.000Z`,
    ]);
    expect(await d.schedules.get('acme', schedule.id)).toMatchObject({ runs: 3, nextRunAt: '2026-11-23T19:00:08.000Z', lastRunAt: '2026-11-23T19:00:06.000Z' });
  });

  it('overlap skip: passes over due times while the previous run is PENDING, runs again once it is done', async () => {
    const { d, services } = deps();
    const schedule = await createSchedule(d, 'acme', { every: '2s', overlap: 'skip', task: { type: 'echo' } });
    await tickSchedules(d, at(1.5));
    await tickSchedules(d, at(3.5));
    let current = await d.schedules.get('acme', schedule.id);
    expect(current).toMatchObject({ runs: 1, skipped: 1 });
    await cancelTask(services, 'acme', current!.lastTaskId!);
    await tickSchedules(d, at(5.5));
    current = await d.schedules.get('acme', schedule.id);
    expect(current).toMatchObject({ runs: 2, skipped: 1 });
  });

  it('overlap cancel-previous: cancels the running one, then submits', async () => {
    const { d, services } = deps();
    const schedule = await createSchedule(d, 'acme', { every: '2s', overlap: 'cancel-previous', task: { type: 'echo' } });
    await tickSchedules(d, at(1.5));
    const first = (await d.schedules.get('acme', schedule.id))!.lastTaskId!;
    const result = await tickSchedules(d, at(3.5));
    expect(result).toMatchObject({ submitted: 1, cancelled: 1 });
    expect((await services.task(first))?.status).toBe('CANCELLED');
    expect((await d.schedules.get('acme', schedule.id))!.lastTaskId).not.toBe(first);
  });

  it('pause stops runs; resume starts from the next due time, not the ones missed', async () => {
    const { d, services } = deps();
    const schedule = await createSchedule(d, 'acme', { every: '2s', task: { type: 'echo' } });
    const paused = await pauseSchedule(d, 'acme', schedule.id);
    expect(paused.status).toBe('paused');
    expect(paused.nextRunAt).toBeUndefined();
    expect(await tickSchedules(d, at(9.5))).toMatchObject({ due: 0 });
    d.advance(10);
    const resumed = await resumeSchedule(d, 'acme', schedule.id);
    expect(resumed).toMatchObject({ status: 'active', nextRunAt: '2026-11-23T19:00:12.000Z' });
    await tickSchedules(d, at(12));
    expect(services.table.tasks.size).toBe(1);
  });

  it('ends a schedule after endAt, and a resume of an ended one is a conflict', async () => {
    const { d } = deps();
    const schedule = await createSchedule(d, 'acme', { every: '2s', endAt: '2026-11-23T19:00:04.000Z', task: { type: 'echo' } });
    await tickSchedules(d, at(1.5));
    await tickSchedules(d, at(3.5));
    expect(await d.schedules.get('acme', schedule.id)).toMatchObject({ status: 'ended', runs: 2 });
    await expect(resumeSchedule(d, 'acme', schedule.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a template no pool can run (422) and bad input (400) without writing', async () => {
    const { d } = deps();
    await expect(createSchedule(d, 'acme', { every: '1m', task: { type: 'x', requires: ['quantum'] } })).rejects.toMatchObject({ status: 422 });
    await expect(createSchedule(d, 'acme', { every: '1m', cron: '* * * * *', task: { type: 'x' } })).rejects.toBeInstanceOf(ValidationError);
    await expect(createSchedule(d, 'acme', { cron: '0 0 31 2 *', task: { type: 'x' } })).rejects.toMatchObject({
      fields: [{ field: 'cron', message: 'never comes due' }],
    });
    expect(await d.schedules.list('acme', 10)).toEqual([]);
  });

  it('ticks through a window, sleeping to each due time inside it', async () => {
    const { d, services } = deps();
    await createSchedule(d, 'acme', { every: '2s', task: { type: 'echo' } });
    const slept: number[] = [];
    const result = await tickWindow(d, at(0), 10_000, async (ms) => {
      slept.push(ms);
      d.advance(ms / 1000);
    });
    // Due at +1.5, +3.5, … +9.5 s from a start 0.5 s past the second: five runs in ten seconds.
    expect(result.submitted).toBe(5);
    expect(services.table.tasks.size).toBe(5);
    expect(slept).toEqual([1500, 2000, 2000, 2000, 2000]);
  });

  it('in a window, catches up a long outage under catchUp all a batch at a time, pausing between batches', async () => {
    const { d, services } = deps();
    await createSchedule(d, 'acme', { every: '1s', catchUp: 'all', task: { type: 'echo' } });
    // 250 due times missed: the window's first tick finds them all due.
    d.advance(250);
    const slept: number[] = [];
    const result = await tickWindow(d, d.now(), 1_500, async (ms) => {
      slept.push(ms);
      d.advance(ms / 1000);
    });
    expect(slept.slice(0, 2)).toEqual([1000, 1000]);
    expect(result.submitted).toBeGreaterThanOrEqual(250);
    expect(services.table.tasks.size).toBe(result.submitted);
  });
});
