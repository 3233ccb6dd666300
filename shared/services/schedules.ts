import {
  SCHEDULE_STATUSES,
  firstDueAt,
  parseScheduleInput,
  type Schedule,
} from '../domain/schedule.js';
import { parseTaskInput } from '../domain/task-input.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { ScheduleChanges, ScheduleStore } from '../ports/schedule-store.js';
import type { Task } from '../domain/task.js';
import type { Services } from './deps.js';
import { lazyFleet, placeTask } from './placement.js';
import { submitTask } from './submit-tasks.js';

/** What the schedule routes and the tick run on: the task services plus the schedule store. */
export interface ScheduleDeps extends Services {
  readonly schedules: ScheduleStore;
}

/** How many schedules GET /schedules returns. */
export const SCHEDULE_LIST_LIMIT = 500;
/** Compare-and-set attempts of a pause or resume racing a tick. */
const CAS_ATTEMPTS = 5;

/**
 * POST /schedules. Validates the schedule and its task template (400 naming each
 * wrong field, 422 when no pool or agent could run the task), and writes it with its first
 * due time. Nothing is written when anything is wrong.
 */
export async function createSchedule(deps: ScheduleDeps, tenant: string, raw: unknown): Promise<Schedule> {
  const now = deps.now();
  const parsed = parseScheduleInput(raw, now);
  if (!parsed.ok) throw new ValidationError(parsed.fields);
  const input = parsed.value;
  await checkPlaceable(deps, tenant, input.task, now);
  const nextRunAt = input.paused ? undefined : firstDueAt(input, now);
  if (!input.paused && nextRunAt === undefined) {
    const message = input.endAt === undefined ? 'never comes due' : 'has no due time before endAt';
    throw new ValidationError([{ field: input.cron !== undefined ? 'cron' : 'every', message }]);
  }
  const { paused: _paused, ...spec } = input;
  const schedule: Schedule = {
    ...spec,
    id: deps.newId(),
    tenant,
    status: input.paused ? SCHEDULE_STATUSES.paused : SCHEDULE_STATUSES.active,
    ...(nextRunAt === undefined ? {} : { nextRunAt: nextRunAt.toISOString() }),
    runs: 0,
    skipped: 0,
    createdAt: now.toISOString(),
  };
  await deps.schedules.create(schedule);
  return schedule;
}

/** A tenant's schedule; another tenant's is "not found". */
export async function getSchedule(deps: Pick<ScheduleDeps, 'schedules'>, tenant: string, id: string): Promise<Schedule> {
  const schedule = await deps.schedules.get(tenant, id);
  if (schedule === undefined) throw new NotFoundError('schedule', id);
  return schedule;
}

export async function listSchedules(deps: Pick<ScheduleDeps, 'schedules'>, tenant: string): Promise<readonly Schedule[]> {
  return deps.schedules.list(tenant, SCHEDULE_LIST_LIMIT);
}

/** DELETE /schedules/{id}: no further runs; runs already submitted carry on. */
export async function deleteSchedule(deps: Pick<ScheduleDeps, 'schedules'>, tenant: string, id: string): Promise<void> {
  if (!(await deps.schedules.delete(tenant, id))) throw new NotFoundError('schedule', id);
}

/** Stops due times coming; idempotent. 409 for an ended schedule. */
export async function pauseSchedule(deps: Pick<ScheduleDeps, 'schedules'>, tenant: string, id: string): Promise<Schedule> {
  return changeSchedule(deps, tenant, id, (current) =>
    current.status === SCHEDULE_STATUSES.paused ? undefined : { status: SCHEDULE_STATUSES.paused, nextRunAt: undefined },
  );
}

/**
 * Starts again from the first due time at or after now: the times missed while
 * paused are not caught up (pausing means "not these"). Idempotent; 409 if ended.
 */
export async function resumeSchedule(deps: Pick<ScheduleDeps, 'schedules' | 'now'>, tenant: string, id: string): Promise<Schedule> {
  return changeSchedule(deps, tenant, id, (current) => {
    if (current.status === SCHEDULE_STATUSES.active) return undefined;
    const next = firstDueAt(current, deps.now());
    return next === undefined
      ? { status: SCHEDULE_STATUSES.ended, nextRunAt: undefined }
      : { status: SCHEDULE_STATUSES.active, nextRunAt: next.toISOString() };
  });
}

/**
 * POST /schedules/{id}/run: submits the schedule's task now, as a run would, and
 * leaves the schedule as it is (its next run, runs count and last run stay: the
 * tick's overlap policy looks only at its own runs). Paused schedules may run now
 * too; an ended one may not (409). Its idempotency key names the schedule and the instant.
 */
export async function runScheduleNow(deps: ScheduleDeps, tenant: string, id: string): Promise<Task> {
  const schedule = await getSchedule(deps, tenant, id);
  if (schedule.status === SCHEDULE_STATUSES.ended) throw new ConflictError('schedule_ended', `schedule ${id} has ended`);
  const { task } = await submitTask(deps, tenant, { ...schedule.task, idempotencyKey: `schedule:${id}:now:${deps.now().toISOString()}` });
  return task;
}

/** Read, decide, compare-and-set on nextRunAt; again if a tick moved the schedule meanwhile. */
async function changeSchedule(
  deps: Pick<ScheduleDeps, 'schedules'>,
  tenant: string,
  id: string,
  decide: (current: Schedule) => ScheduleChanges | undefined,
): Promise<Schedule> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
    const current = await getSchedule(deps, tenant, id);
    if (current.status === SCHEDULE_STATUSES.ended) throw new ConflictError('schedule_ended', `schedule ${id} has ended`);
    const changes = decide(current);
    if (changes === undefined) return current;
    const written = await deps.schedules.update(tenant, id, current.nextRunAt, changes);
    if (written !== undefined) return written;
  }
  throw new ConflictError('schedule_busy', `schedule ${id} kept changing; try again`);
}

/**
 * The template must be placeable now, as POST /tasks would place it (routing and
 * agent-pool admission, 422 otherwise); the same check repeats at every run.
 */
async function checkPlaceable(deps: Services, tenant: string, template: Readonly<Record<string, unknown>>, now: Date): Promise<void> {
  const task = parseTaskInput(template, now, 'task');
  if (!task.ok) throw new ValidationError(task.fields);
  const fleet = lazyFleet(deps, tenant);
  const placed = await placeTask(deps, fleet, task.value, 'task.requires');
  if (!placed.ok) throw placed.error;
  if (task.value.then !== undefined) {
    const stage = await placeTask(deps, fleet, { requires: task.value.then.requires ?? task.value.requires }, 'task.then.requires');
    if (!stage.ok) throw stage.error;
  }
  if (task.value.maxAttempts > placed.pool.maxAttempts) {
    throw new ValidationError([{ field: 'task.maxAttempts', message: `pool ${placed.pool.name} allows at most ${placed.pool.maxAttempts}` }]);
  }
}
