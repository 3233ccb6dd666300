import { Cron } from 'croner';
import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { jsonByteLength } from './limits.js';
import type { Json } from './task.js';
import { parseTaskInput, toFieldErrors, type ParseResult } from './task-input.js';
import { isTerminal, type TaskStatus } from './task-status.js';

/**
 * Schedules: a task template submitted on a cron expression or a fixed interval.
 * Pure — the clock comes in as `now`, cron arithmetic is croner's (timezones and
 * DST included); the store, the tick and the submit path live elsewhere.
 */

/** What a run does while the previous run of the same schedule is still PENDING or ACTIVE. */
export const OVERLAP_POLICIES = ['skip', 'allow', 'cancel-previous'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** What a tick does with due times it missed (downtime, a paused tick function). */
export const CATCH_UP_POLICIES = ['none', 'latest', 'all'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export const SCHEDULE_STATUSES = { active: 'active', paused: 'paused', ended: 'ended' } as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[keyof typeof SCHEDULE_STATUSES];

export const SCHEDULE_DEFAULTS = {
  timezone: 'UTC',
  overlap: 'allow',
  // Like Celery beat and cron daemons with anacron: after downtime, one run for the
  // time missed, not a burst and not nothing.
  catchUp: 'latest',
} as const satisfies { timezone: string; overlap: OverlapPolicy; catchUp: CatchUpPolicy };

export const SCHEDULE_LIMITS = {
  minEveryMs: 1_000,
  maxEveryMs: 366 * 86_400_000,
  /** A template is stored whole in the schedule's item (≤ 400 KB): larger payloads belong in the task's own S3 path, not here. */
  templateBytes: 256 * 1024,
  /** Runs one tick submits for one schedule under `catchUp: all`; the rest follow on the next ticks. */
  catchUpBatch: 100,
} as const;

/** The fields of a task a schedule stamps itself on every run, so a template may not set them. */
const PER_RUN_FIELDS = {
  id: 'is set per run (a schedule submits many tasks)',
  idempotencyKey: 'is set per run from the schedule id and its due time',
  deadline: 'is an absolute time; a schedule’s runs cannot share one',
  runAt: 'is an absolute time; a schedule’s runs cannot share one (use delaySeconds)',
} as const;

export interface ScheduleSpec {
  readonly cron?: string;
  readonly every?: string;
  readonly timezone: string;
  readonly startAt?: string;
  readonly endAt?: string;
}

export interface Schedule extends ScheduleSpec {
  readonly id: string;
  readonly tenant: string;
  /** The POST /tasks body each run submits (validated, defaults applied at submit time). */
  readonly task: Readonly<Record<string, unknown>>;
  readonly overlap: OverlapPolicy;
  readonly catchUp: CatchUpPolicy;
  readonly status: ScheduleStatus;
  /** The next due time; absent while paused or once ended. */
  readonly nextRunAt?: string;
  /** The due time of the last run submitted (or skipped). */
  readonly lastRunAt?: string;
  readonly lastTaskId?: string;
  /** Runs submitted, and due times passed over (overlap skip, catch-up none/latest). */
  readonly runs: number;
  readonly skipped: number;
  readonly createdAt: string;
}

export interface ScheduleInput extends ScheduleSpec {
  readonly task: Readonly<Record<string, unknown>>;
  readonly overlap: OverlapPolicy;
  readonly catchUp: CatchUpPolicy;
  readonly paused: boolean;
}

const EVERY = /^(\d{1,9})(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30s`, `5m`, `1h`, `2d` → milliseconds; undefined when it does not parse. */
export function parseEvery(every: string): number | undefined {
  const match = EVERY.exec(every);
  if (match === null) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export function isTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** croner's reason a pattern does not parse, or undefined when it does. */
export function cronError(pattern: string): string | undefined {
  try {
    new Cron(pattern, { paused: true });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
  }
}

const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const scheduleInputSchema = z.strictObject({
  cron: z.string().min(1).max(256).optional(),
  every: z.string().optional(),
  timezone: z.string().min(1).max(64).default(SCHEDULE_DEFAULTS.timezone),
  task: z.record(z.string(), z.unknown(), { error: 'is required (an object with the fields of POST /tasks)' }),
  overlap: z.enum(OVERLAP_POLICIES, { error: `must be one of ${OVERLAP_POLICIES.join(', ')}` }).default(SCHEDULE_DEFAULTS.overlap),
  catchUp: z.enum(CATCH_UP_POLICIES, { error: `must be one of ${CATCH_UP_POLICIES.join(', ')}` }).default(SCHEDULE_DEFAULTS.catchUp),
  startAt: isoDateTime.optional(),
  endAt: isoDateTime.optional(),
  paused: z.boolean().default(false),
});

/**
 * Validates a POST /schedules body and applies defaults. Every wrong field is
 * named: a bad cron (with croner's reason), both or neither of cron and every, an
 * unknown timezone, a bad interval, an end not after the start or now, and the
 * task template's own fields as `task.<field>`.
 */
export function parseScheduleInput(raw: unknown, now: Date): ParseResult<ScheduleInput> {
  const parsed = scheduleInputSchema.safeParse(raw);
  const fields: FieldError[] = parsed.success ? [] : toFieldErrors(parsed.error);
  const named = new Set(fields.map((f) => f.field));
  const add = (field: string, message: string): void => {
    if (!named.has(field)) fields.push({ field, message });
    named.add(field);
  };
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;

  const { cron, every, timezone } = body;
  if (cron !== undefined && every !== undefined) {
    add('cron', 'give either cron or every, not both');
    add('every', 'give either cron or every, not both');
  } else if (cron === undefined && every === undefined) {
    add('cron', 'one of cron or every is required');
  }
  if (typeof cron === 'string' && cron !== '') {
    const reason = cronError(cron);
    if (reason !== undefined) add('cron', `is not a cron expression: ${reason}`);
  }
  if (typeof every === 'string') {
    const ms = parseEvery(every);
    if (ms === undefined) add('every', 'must be a number and a unit: s, m, h or d (e.g. 30s, 5m, 1h)');
    else if (ms < SCHEDULE_LIMITS.minEveryMs || ms > SCHEDULE_LIMITS.maxEveryMs) add('every', 'must be between 1s and 366d');
  } else if (every !== undefined) {
    add('every', 'must be a string such as 30s, 5m or 1h');
  }
  if (typeof timezone === 'string' && !isTimezone(timezone)) add('timezone', `is not a known IANA time zone: ${timezone}`);
  if (typeof body.task === 'object' && body.task !== null && !Array.isArray(body.task)) {
    const template = body.task as Record<string, unknown>;
    for (const [field, message] of Object.entries(PER_RUN_FIELDS)) if (field in template) add(`task.${field}`, message);
    const task = parseTaskInput(template, now, 'task');
    if (!task.ok) for (const f of task.fields) add(f.field, f.message);
    const bytes = jsonByteLength(template as Json);
    if (bytes > SCHEDULE_LIMITS.templateBytes) add('task', `is ${bytes} bytes serialized; a schedule's template may have ${SCHEDULE_LIMITS.templateBytes}`);
  }
  if (parsed.success) {
    const { startAt, endAt } = parsed.data;
    if (endAt !== undefined && Date.parse(endAt) <= now.getTime()) add('endAt', 'must be in the future');
    if (endAt !== undefined && startAt !== undefined && Date.parse(endAt) <= Date.parse(startAt)) add('endAt', 'must be after startAt');
  }
  if (!parsed.success || fields.length > 0) return { ok: false, fields };
  const { startAt, endAt, ...rest } = parsed.data;
  return {
    ok: true,
    value: {
      ...rest,
      ...(rest.cron === undefined ? {} : { cron: rest.cron }),
      ...(rest.every === undefined ? {} : { every: rest.every }),
      ...(startAt === undefined ? {} : { startAt: new Date(startAt).toISOString() }),
      ...(endAt === undefined ? {} : { endAt: new Date(endAt).toISOString() }),
    },
  };
}

/**
 * The first due time strictly after `after`, inside [startAt, endAt]; undefined
 * once the schedule has no more. `every` is aligned to startAt, or to the Unix
 * epoch without one (so `every: 1h` runs on the hour, like Temporal's intervals);
 * cron is evaluated in the schedule's timezone by croner, which moves a time a
 * DST jump skips to the first instant after it and runs a repeated hour once.
 */
export function nextDueAfter(spec: ScheduleSpec, after: Date): Date | undefined {
  const start = spec.startAt === undefined ? undefined : new Date(spec.startAt);
  // Nothing before startAt: search from just before it.
  const from = start !== undefined && after < start ? new Date(start.getTime() - 1) : after;
  let next: Date | undefined;
  if (spec.every !== undefined) {
    const interval = parseEvery(spec.every);
    if (interval === undefined) throw new Error(`unparsable every: ${spec.every}`);
    const anchor = start?.getTime() ?? 0;
    const steps = Math.floor((from.getTime() - anchor) / interval) + 1;
    next = new Date(anchor + steps * interval);
  } else if (spec.cron !== undefined) {
    next = new Cron(spec.cron, { paused: true, timezone: spec.timezone }).nextRun(from) ?? undefined;
  } else {
    throw new Error('a schedule has cron or every');
  }
  if (next === undefined || (spec.endAt !== undefined && next.getTime() > Date.parse(spec.endAt))) return undefined;
  return next;
}

/** The first due time at or after `now`: where a new or resumed schedule starts. */
export function firstDueAt(spec: ScheduleSpec, now: Date): Date | undefined {
  return nextDueAfter(spec, new Date(now.getTime() - 1));
}

export interface DuePlan {
  /** Due times to submit, oldest first. */
  readonly runs: readonly Date[];
  /** Due times passed over without a run. */
  readonly skipped: number;
  /** The new nextRunAt; undefined when the schedule has ended. May be ≤ now under `catchUp: all` (more to catch up). */
  readonly next: Date | undefined;
}

/**
 * What one tick does for a schedule whose nextRunAt ≤ now. `latest` runs the
 * most recent due time and passes over older ones; `none` runs it only if it is
 * at most `graceMs` late (a tick that is merely late is not downtime); `all`
 * runs every missed time, `SCHEDULE_LIMITS.catchUpBatch` per tick.
 */
export function planDueRuns(spec: ScheduleSpec & { readonly catchUp: CatchUpPolicy }, nextRunAt: Date, now: Date, graceMs: number): DuePlan {
  if (nextRunAt > now) return { runs: [], skipped: 0, next: nextRunAt };
  if (spec.catchUp === 'all') {
    const runs: Date[] = [];
    let cursor: Date | undefined = nextRunAt;
    while (cursor !== undefined && cursor <= now && runs.length < SCHEDULE_LIMITS.catchUpBatch) {
      runs.push(cursor);
      cursor = nextDueAfter(spec, cursor);
    }
    return { runs, skipped: 0, next: cursor };
  }
  // Only the most recent due time matters: jump there (arithmetic for every, croner for cron).
  const until = spec.endAt !== undefined && Date.parse(spec.endAt) < now.getTime() ? new Date(spec.endAt) : now;
  const found = latestDueAtOrBefore(spec, until);
  const latest = found !== undefined && found > nextRunAt ? found : nextRunAt;
  const skipped = countBetween(spec, nextRunAt, latest);
  const next = nextDueAfter(spec, latest);
  if (spec.catchUp === 'none' && now.getTime() - latest.getTime() > graceMs) return { runs: [], skipped: skipped + 1, next };
  return { runs: [latest], skipped, next };
}

/** The last due time at or before `at` (ignoring endAt: the caller caps `at`). */
function latestDueAtOrBefore(spec: ScheduleSpec, at: Date): Date | undefined {
  if (spec.every !== undefined) {
    const interval = parseEvery(spec.every) as number;
    const anchor = spec.startAt === undefined ? 0 : Date.parse(spec.startAt);
    return new Date(anchor + Math.floor((at.getTime() - anchor) / interval) * interval);
  }
  const [latest] = new Cron(spec.cron as string, { paused: true, timezone: spec.timezone }).previousRuns(1, new Date(at.getTime() + 1));
  return latest;
}

/** Due times in [from, to): how many a jump from `from` to `to` passes over (exact for every; counted, capped, for cron). */
function countBetween(spec: ScheduleSpec, from: Date, to: Date): number {
  if (to <= from) return 0;
  if (spec.every !== undefined) return Math.round((to.getTime() - from.getTime()) / (parseEvery(spec.every) as number));
  let count = 0;
  for (let t: Date | undefined = from; t !== undefined && t < to && count < 10_000; t = nextDueAfter(spec, t)) count += 1;
  return count;
}

export type OverlapAction = 'submit' | 'skip' | 'cancel-previous';

/** What to do about the previous run (its status, or undefined if there is none or it is gone). */
export function overlapAction(policy: OverlapPolicy, previous: TaskStatus | undefined): OverlapAction {
  const running = previous !== undefined && !isTerminal(previous);
  if (!running || policy === 'allow') return 'submit';
  return policy === 'skip' ? 'skip' : 'cancel-previous';
}

/**
 * The idempotency key of the run due at `due`: two ticks that both submit it get
 * one task (the second gets the first's).
 */
export function runIdempotencyKey(scheduleId: string, due: Date): string {
  return `schedule:${scheduleId}:${due.toISOString()}`;
}

/** A schedule as the API shows it. */
export function toScheduleView(schedule: Schedule): Omit<Schedule, 'tenant'> {
  const { tenant: _tenant, ...view } = schedule;
  return view;
}
