import { send, type HttpOptions } from './http.js';
import { poll, queryString, seg, type WaitOptions } from './poll.js';
import {
  isTerminalStatus,
  type AnyTasks,
  type BatchItem,
  type Page,
  type PayloadOf,
  type ResultOf,
  type SubmitTask,
  type Submitted,
  type TaskId,
  type TaskMap,
  type TaskStatus,
  type TaskSummary,
  type TaskType,
  type TaskView,
} from './types.js';

/**
 * A filter of `client.tasks.list`.
 *
 * @example
 * ```ts
 * await client.tasks.list({ status: 'FAILED', pool: 'gpu', limit: 50 });
 * ```
 */
export interface ListTasksQuery {
  /** Only tasks in this status. @default any */
  readonly status?: TaskStatus;
  /** Only tasks of this pool. @default any */
  readonly pool?: string;
  /** Only tasks of this type. @default any */
  readonly type?: string;
  /** Tasks per page. @default the server's (50) */
  readonly limit?: number;
  /** `nextCursor` of the previous page. @default the first page */
  readonly cursor?: string;
}

/**
 * What `client.tasks.submitBatch` answers: each item accepted or refused on its own.
 *
 * @example
 * ```ts
 * const { accepted, items } = await client.tasks.submitBatch([{ type: 'echo' }, { type: 'echo' }]);
 * ```
 */
export interface BatchResult {
  /** How many tasks were accepted. */
  readonly accepted: number;
  /** How many were refused (each with its error in `items`). */
  readonly rejected: number;
  /** One per submitted task, in order. */
  readonly items: BatchItem[];
}

/**
 * `client.tasks`: submit, read, list, cancel and wait for tasks. Every method
 * throws a `TaskfleetApiError` subclass on a 4xx/5xx and a
 * `TaskfleetConnectionError` when the API cannot be reached.
 *
 * @example
 * ```ts
 * const { id } = await client.tasks.submit({ type: 'resize', payload: { url } });
 * const task = await client.tasks.wait(id);
 * ```
 */
export class TasksApi<T extends TaskMap = AnyTasks> {
  /** @internal */
  constructor(private readonly http: HttpOptions) {}

  /**
   * Submits a task. Retried on 429/5xx/network errors only when it carries an
   * idempotencyKey; `created` is false when such a replay returned an earlier task.
   *
   * @example
   * ```ts
   * const { id, created } = await client.tasks.submit({ type: 'resize', payload: { url }, idempotencyKey: url });
   * ```
   */
  async submit<K extends TaskType<T>>(task: SubmitTask<T, K>): Promise<Submitted<K>> {
    const { status, body } = await send<Omit<Submitted<K>, 'created'>>(this.http, { method: 'POST', path: '/tasks', body: task, idempotent: task.idempotencyKey !== undefined });
    return { ...body, created: status === 202 };
  }

  /**
   * Up to 500 tasks; each is accepted or refused on its own (a refusal does not
   * throw). Retried only when every task has an idempotencyKey.
   *
   * @example
   * ```ts
   * const { rejected } = await client.tasks.submitBatch(urls.map((url) => ({ type: 'resize', payload: { url } })));
   * ```
   */
  async submitBatch(tasks: readonly SubmitTask<T>[]): Promise<BatchResult> {
    const idempotent = tasks.every((t) => t.idempotencyKey !== undefined);
    return (await send<BatchResult>(this.http, { method: 'POST', path: '/tasks/batch', body: { tasks }, idempotent, alsoOk: [400] })).body;
  }

  /**
   * A task; `include` inlines a payload or result kept in the values bucket (over 8 KiB).
   *
   * @example
   * ```ts
   * const task = await client.tasks.get(id, { include: 'result' });
   * ```
   */
  async get<K extends TaskType<T> = TaskType<T>>(id: TaskId<K>, options: { include?: 'payload' | 'result' | 'payload,result' } = {}): Promise<TaskView<PayloadOf<T, K>, ResultOf<T, K>>> {
    const query = options.include !== undefined ? `?include=${options.include}` : '';
    return (await send<TaskView<PayloadOf<T, K>, ResultOf<T, K>>>(this.http, { method: 'GET', path: `/tasks/${seg(id)}${query}`, idempotent: true })).body;
  }

  /**
   * One page of the tenant's tasks, newest first.
   *
   * @example
   * ```ts
   * const { items, nextCursor } = await client.tasks.list({ status: 'FAILED' });
   * ```
   */
  async list(query: ListTasksQuery = {}): Promise<Page<TaskSummary>> {
    return (await send<Page<TaskSummary>>(this.http, { method: 'GET', path: `/tasks${queryString({ ...query })}`, idempotent: true })).body;
  }

  /**
   * Every matching task, page by page.
   *
   * @example
   * ```ts
   * for await (const task of client.tasks.listAll({ status: 'PENDING' })) console.log(task.id);
   * ```
   */
  async *listAll(query: Omit<ListTasksQuery, 'limit' | 'cursor'> = {}): AsyncGenerator<TaskSummary> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }

  /**
   * Cancels a task that has not finished; a `ConflictError` (`already_terminal`) if it has.
   *
   * @example
   * ```ts
   * await client.tasks.cancel(id);
   * ```
   */
  async cancel(id: string): Promise<TaskView> {
    return (await send<TaskView>(this.http, { method: 'DELETE', path: `/tasks/${seg(id)}`, idempotent: false })).body;
  }

  /**
   * Polls until the task is COMPLETED, FAILED, CANCELLED or EXPIRED and returns
   * it; a `TimeoutError` after `timeoutMs`.
   *
   * @example
   * ```ts
   * const { status, result } = await client.tasks.wait(id, { timeoutMs: 60_000 });
   * ```
   */
  async wait<K extends TaskType<T> = TaskType<T>>(id: TaskId<K>, options: WaitOptions<TaskView<PayloadOf<T, K>, ResultOf<T, K>>> = {}): Promise<TaskView<PayloadOf<T, K>, ResultOf<T, K>>> {
    return poll(() => this.get<K>(id), (t) => isTerminalStatus(t.status), taskChange, `task ${id}`, { intervalMs: 500, ...options });
  }
}

/** What a watcher of a task cares about; a heartbeat alone is no change. */
const taskChange = (t: TaskView<unknown, unknown>): string => JSON.stringify([t.status, t.attempts, t.progress, t.error, t.result, t.worker]);
