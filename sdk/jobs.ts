import { send, type HttpOptions } from './http.js';
import { poll, queryString, seg, type WaitOptions } from './poll.js';
import type { AnyTasks, JobStatus, JobSummary, JobView, Page, SubmitJob, TaskMap } from './types.js';

/**
 * What `client.jobs.submit` answers (before the children exist).
 *
 * @example
 * ```ts
 * const { id, total } = await client.jobs.submit({ map: { type: 'count', items } });
 * ```
 */
export interface SubmittedJob {
  /** The job's id. */
  readonly id: string;
  /** RUNNING, or the replayed job's status. */
  readonly status: JobStatus;
  /** How many map children it has. */
  readonly total: number;
  /** The pool its tasks run in. */
  readonly pool: string;
}

const JOB_DONE: readonly JobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/**
 * `client.jobs`: map-reduce jobs. Every method throws a `TaskfleetApiError`
 * subclass on a 4xx/5xx and a `TaskfleetConnectionError` when the API cannot be reached.
 *
 * @example
 * ```ts
 * const { id } = await client.jobs.submit({ map: { type: 'count-words', items: chunks }, reduce: { type: 'merge-counts' } });
 * const job = await client.jobs.wait(id);
 * ```
 */
export class JobsApi<T extends TaskMap = AnyTasks> {
  /** @internal */
  constructor(private readonly http: HttpOptions) {}

  /**
   * A map-reduce job: one child per item, then the reduce (and `then`) over their
   * results. Answered before the children exist (they are written asynchronously);
   * with an `idempotencyKey` it is retried, and a replay returns the same job.
   *
   * @example
   * ```ts
   * await client.jobs.submit({ map: { type: 'resize', items: urls }, idempotencyKey: 'batch-42' });
   * ```
   */
  async submit(job: SubmitJob<T>): Promise<SubmittedJob> {
    return (await send<SubmittedJob>(this.http, { method: 'POST', path: '/jobs', body: job, idempotent: job.idempotencyKey !== undefined })).body;
  }

  /**
   * A job: its status, counts, progress, stages and result. A result over 8 KiB is
   * kept by reference (`result: null`, `resultRef`); `include: 'result'` inlines it.
   *
   * @example
   * ```ts
   * const { completed, total } = await client.jobs.get(id);
   * const { result } = await client.jobs.get(id, { include: 'result' });
   * ```
   */
  async get(id: string, options: { readonly include?: 'result' } = {}): Promise<JobView> {
    const query = options.include !== undefined ? `?include=${options.include}` : '';
    return (await send<JobView>(this.http, { method: 'GET', path: `/jobs/${seg(id)}${query}`, idempotent: true })).body;
  }

  /**
   * One page of the tenant's jobs, newest first.
   *
   * @example
   * ```ts
   * const { items } = await client.jobs.list({ limit: 20 });
   * ```
   */
  async list(query: { readonly limit?: number; readonly cursor?: string } = {}): Promise<Page<JobSummary>> {
    return (await send<Page<JobSummary>>(this.http, { method: 'GET', path: `/jobs${queryString({ ...query })}`, idempotent: true })).body;
  }

  /**
   * Stops a job: its unfinished children are cancelled; a `ConflictError` if it already finished.
   *
   * @example
   * ```ts
   * const { cancelled } = await client.jobs.cancel(id);
   * ```
   */
  async cancel(id: string): Promise<JobView & { cancelled: number }> {
    return (await send<JobView & { cancelled: number }>(this.http, { method: 'DELETE', path: `/jobs/${seg(id)}`, idempotent: false })).body;
  }

  /**
   * Polls until the job is COMPLETED, FAILED or CANCELLED; a `TimeoutError` after `timeoutMs`.
   * The job it returns has its result, however large: one kept by reference is read once, at the end.
   *
   * @example
   * ```ts
   * const job = await client.jobs.wait(id, { onUpdate: (j) => console.log(`${j.completed}/${j.total}`) });
   * ```
   */
  async wait(id: string, options: WaitOptions<JobView> = {}): Promise<JobView> {
    const done = await poll(() => this.get(id), (j) => JOB_DONE.includes(j.status), jobChange, `job ${id}`, { intervalMs: 1000, ...options });
    return done.resultRef !== undefined ? this.get(id, { include: 'result' }) : done;
  }
}

const jobChange = (j: JobView): string => JSON.stringify([j.status, j.completed, j.failed, j.cancelled, j.progress, j.stages]);
