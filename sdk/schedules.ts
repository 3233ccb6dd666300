import type { ClientOptions } from './client.js';
import { httpOptions, send, type HttpOptions } from './http.js';

// The wire shapes, written out: the SDK package imports nothing from the server.
/**
 * When a run is due while the previous one is still running: `skip` it, `allow`
 * both, or `cancel-previous`.
 *
 * @example
 * ```ts
 * await client.schedules.add({ every: '5m', task: { type: 'sync' }, overlap: 'skip' });
 * ```
 */
export type OverlapPolicy = 'skip' | 'allow' | 'cancel-previous';
/**
 * Runs missed while paused or down: `none`, only the `latest`, or `all`.
 *
 * @example
 * ```ts
 * await client.schedules.add({ cron: '0 * * * *', task: { type: 'report' }, catchUp: 'all' });
 * ```
 */
export type CatchUpPolicy = 'none' | 'latest' | 'all';

/**
 * What `add` takes: `cron` or `every`, and the task each run submits.
 *
 * @example
 * ```ts
 * const nightly: AddSchedule = { cron: '0 3 * * *', timezone: 'Europe/Paris', task: { type: 'backup', priority: 'low' } };
 * ```
 */
export interface AddSchedule {
  /** Five fields (six with seconds), evaluated in `timezone`. Either this or `every`. @default none */
  readonly cron?: string;
  /** `30s`, `5m`, `1h`, `1d`: at least 1 s. Either this or `cron`. @default none */
  readonly every?: string;
  /** IANA name. @default 'UTC' */
  readonly timezone?: string;
  /** A POST /tasks body without `id`, `idempotencyKey` or `deadline` (set per run). */
  readonly task: { readonly type: string; readonly [field: string]: unknown };
  /** What to do when a run is due while the previous one runs. @default 'allow' */
  readonly overlap?: OverlapPolicy;
  /** Which missed runs to make up. @default 'latest' */
  readonly catchUp?: CatchUpPolicy;
  /** ISO time of the first possible run. @default now */
  readonly startAt?: string;
  /** ISO time after which it ends. @default never */
  readonly endAt?: string;
  /** Created paused (no runs until resumed). @default false */
  readonly paused?: boolean;
}

/**
 * A schedule as the API shows it.
 *
 * @example
 * ```ts
 * const { nextRunAt, runs }: ScheduleView = await client.schedules.get(id);
 * ```
 */
export interface ScheduleView {
  readonly id: string;
  readonly cron?: string;
  readonly every?: string;
  readonly timezone: string;
  readonly task: { readonly type: string; readonly [field: string]: unknown };
  readonly overlap: OverlapPolicy;
  readonly catchUp: CatchUpPolicy;
  readonly startAt?: string;
  readonly endAt?: string;
  readonly status: 'active' | 'paused' | 'ended';
  /** Absent while paused or once ended. */
  readonly nextRunAt?: string;
  readonly lastRunAt?: string;
  readonly lastTaskId?: string;
  readonly runs: number;
  readonly skipped: number;
  readonly createdAt: string;
}

/**
 * The /schedules routes, as `client.schedules` (or on their own:
 * `new TaskfleetSchedules({ url, token })`). Every method throws a
 * `TaskfleetApiError` subclass on a 4xx/5xx (a `ValidationError` names each wrong field).
 *
 * @example
 * ```ts
 * const { id } = await client.schedules.add({ every: '1h', task: { type: 'cleanup' } });
 * await client.schedules.pause(id);
 * ```
 */
export class TaskfleetSchedules {
  private readonly http: HttpOptions;

  constructor(options: ClientOptions) {
    this.http = httpOptions(options);
  }

  /**
   * Creates a schedule; the answer carries its id and nextRunAt. Not retried (it is not idempotent).
   *
   * @example
   * ```ts
   * await client.schedules.add({ every: '10m', task: { type: 'poll-feed', payload: { feed } } });
   * ```
   */
  async add(schedule: AddSchedule): Promise<ScheduleView> {
    return this.request<ScheduleView>('POST', '/schedules', false, schedule);
  }

  /**
   * Every schedule of the tenant.
   *
   * @example
   * ```ts
   * for (const s of await client.schedules.list()) console.log(s.id, s.nextRunAt);
   * ```
   */
  async list(): Promise<ScheduleView[]> {
    return (await this.request<{ items: ScheduleView[] }>('GET', '/schedules', true)).items;
  }

  /**
   * One schedule; a `NotFoundError` if there is none.
   *
   * @example
   * ```ts
   * const schedule = await client.schedules.get(id);
   * ```
   */
  async get(id: string): Promise<ScheduleView> {
    return this.request<ScheduleView>('GET', `/schedules/${encodeURIComponent(id)}`, true);
  }

  /**
   * Deletes it; runs already submitted carry on.
   *
   * @example
   * ```ts
   * await client.schedules.remove(id);
   * ```
   */
  async remove(id: string): Promise<void> {
    await this.request('DELETE', `/schedules/${encodeURIComponent(id)}`, false);
  }

  /**
   * Safe to repeat: pausing a paused schedule answers it as it is.
   *
   * @example
   * ```ts
   * await client.schedules.pause(id);
   * ```
   */
  async pause(id: string): Promise<ScheduleView> {
    return this.request<ScheduleView>('POST', `/schedules/${encodeURIComponent(id)}/pause`, true);
  }

  /**
   * Starts again from the next due time (missed ones are not caught up). Safe to repeat.
   *
   * @example
   * ```ts
   * await client.schedules.resume(id);
   * ```
   */
  async resume(id: string): Promise<ScheduleView> {
    return this.request<ScheduleView>('POST', `/schedules/${encodeURIComponent(id)}/resume`, true);
  }

  /**
   * Submits its task now; its next run stays as it is. Not retried (each call is a run).
   *
   * @example
   * ```ts
   * const { id: taskId } = await client.schedules.runNow(id);
   * ```
   */
  async runNow(id: string): Promise<{ id: string; status: string; pool: string; priority: string }> {
    return this.request('POST', `/schedules/${encodeURIComponent(id)}/run`, false);
  }

  private async request<T>(method: string, path: string, idempotent: boolean, body?: unknown): Promise<T> {
    return (await send<T>(this.http, { method, path, idempotent, ...(body !== undefined ? { body } : {}) })).body;
  }
}
