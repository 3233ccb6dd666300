import type { Schedule } from '../domain/schedule.js';

/** What a compare-and-set write changes on a schedule. `nextRunAt: undefined` clears it (paused, ended). */
export type ScheduleChanges = Partial<Pick<Schedule, 'status' | 'lastRunAt' | 'lastTaskId' | 'runs' | 'skipped'>> & {
  readonly nextRunAt: string | undefined;
};

/** A schedule whose nextRunAt is due: what the tick reads before it reads the schedule itself. */
export interface DueRef {
  readonly tenant: string;
  readonly id: string;
  readonly nextRunAt: string;
}

/**
 * Schedules and their due times. Every change of nextRunAt is a compare-and-set
 * on the nextRunAt the caller read, so of two ticks (or a tick and a pause) only
 * one moves a schedule on; the store keeps its due-time lookup in step with it.
 */
export interface ScheduleStore {
  /** Writes a new schedule (ids are generated; a clash is a bug, so it throws). */
  create(schedule: Schedule): Promise<void>;
  get(tenant: string, id: string): Promise<Schedule | undefined>;
  /** A tenant's schedules, oldest first, at most `limit`. */
  list(tenant: string, limit: number): Promise<readonly Schedule[]>;
  /** false when there was no such schedule. */
  delete(tenant: string, id: string): Promise<boolean>;
  /**
   * Applies `changes` if the stored nextRunAt still equals `expectedNextRunAt`
   * (undefined: it has none). Returns the schedule as written, or undefined when
   * the schedule moved on (or went away) since the caller read it.
   */
  update(tenant: string, id: string, expectedNextRunAt: string | undefined, changes: ScheduleChanges): Promise<Schedule | undefined>;
  /** Schedules with nextRunAt ≤ now, earliest first, at most `limit`. */
  due(now: Date, limit: number): Promise<readonly DueRef[]>;
  /** The earliest nextRunAt of any schedule (the AWS tick sleeps until it when it falls inside its minute). */
  earliestDue(): Promise<Date | undefined>;
}
