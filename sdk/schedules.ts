import { httpOptions, type ClientOptions } from './client.js';
import { send, type HttpOptions } from './http.js';

// The wire shapes, written out: the SDK package imports nothing from the server.
export type OverlapPolicy = 'skip' | 'allow' | 'cancel-previous';
export type CatchUpPolicy = 'none' | 'latest' | 'all';

/** What `add` takes: `cron` or `every`, and the task each run submits. */
export interface AddSchedule {
  /** Five fields (six with seconds), evaluated in `timezone`. */
  readonly cron?: string;
  /** `30s`, `5m`, `1h`, `1d`: at least 1 s. */
  readonly every?: string;
  /** IANA name. @default 'UTC' */
  readonly timezone?: string;
  /** A POST /tasks body without `id`, `idempotencyKey` or `deadline` (set per run). */
  readonly task: { readonly type: string; readonly [field: string]: unknown };
  /** @default 'allow' */
  readonly overlap?: OverlapPolicy;
  /** @default 'latest' */
  readonly catchUp?: CatchUpPolicy;
  readonly startAt?: string;
  readonly endAt?: string;
  /** @default false */
  readonly paused?: boolean;
}

/** A schedule as the API shows it. */
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
 * The /schedules routes: `new TaskfleetSchedules({ url, token })`. Every method
 * throws TaskfleetApiError on a 4xx/5xx (400 names each wrong field).
 */
export class TaskfleetSchedules {
  private readonly http: HttpOptions;

  constructor(options: ClientOptions) {
    this.http = httpOptions(options);
  }

  /** Creates a schedule; the answer carries its id and nextRunAt. Not retried (it is not idempotent). */
  async add(schedule: AddSchedule): Promise<ScheduleView> {
    return this.request<ScheduleView>('POST', '/schedules', false, schedule);
  }

  async list(): Promise<ScheduleView[]> {
    return (await this.request<{ items: ScheduleView[] }>('GET', '/schedules', true)).items;
  }

  async get(id: string): Promise<ScheduleView> {
    return this.request<ScheduleView>('GET', `/schedules/${encodeURIComponent(id)}`, true);
  }

  /** Deletes it; runs already submitted carry on. */
  async remove(id: string): Promise<void> {
    await this.request('DELETE', `/schedules/${encodeURIComponent(id)}`, false);
  }

  /** Safe to repeat: pausing a paused schedule answers it as it is. */
  async pause(id: string): Promise<ScheduleView> {
    return this.request<ScheduleView>('POST', `/schedules/${encodeURIComponent(id)}/pause`, true);
  }

  /** Starts again from the next due time (missed ones are not caught up). Safe to repeat. */
  async resume(id: string): Promise<ScheduleView> {
    return this.request<ScheduleView>('POST', `/schedules/${encodeURIComponent(id)}/resume`, true);
  }

  private async request<T>(method: string, path: string, idempotent: boolean, body?: unknown): Promise<T> {
    return (await send<T>(this.http, { method, path, idempotent, ...(body !== undefined ? { body } : {}) })).body;
  }
}
