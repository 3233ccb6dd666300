import type { TaskEvent } from '../domain/state-machine.js';
import type { Task } from '../domain/task.js';
import { isTerminal } from '../domain/task-status.js';
import type { ApplyOptions, TaskStore } from '../ports/task-store.js';

/**
 * A TaskStore that, after a task's final transition, runs what follows it (job
 * fan-in, enqueueing a next stage). Every use case that finishes a task —
 * workers, agents, cancel, expiry — goes through `apply`, so none can forget
 * it. A failure here is reported, not thrown: the transition stands, and the
 * reconciler repeats the follow-through.
 */
export class FollowThroughTaskStore implements TaskStore {
  constructor(
    private readonly inner: TaskStore,
    private readonly onFinished: (task: Task) => Promise<void>,
    private readonly warn: (message: string, details: Record<string, unknown>) => void,
  ) {}

  async apply(id: string, event: TaskEvent, now: Date, options?: ApplyOptions): Promise<Task> {
    const after = await this.inner.apply(id, event, now, options);
    if (isTerminal(after.status)) {
      await this.onFinished(after).catch((error: unknown) => this.warn('follow-through after a finished task failed', { taskId: id, error: String(error) }));
    }
    return after;
  }

  create: TaskStore['create'] = (task) => this.inner.create(task);
  get: TaskStore['get'] = (id) => this.inner.get(id);
  getMany: TaskStore['getMany'] = (ids) => this.inner.getMany(ids);
  createMany: TaskStore['createMany'] = (tasks) => this.inner.createMany(tasks);
  list: TaskStore['list'] = (query) => this.inner.list(query);
  countByStatus: TaskStore['countByStatus'] = (tenant) => this.inner.countByStatus(tenant);
  recent: TaskStore['recent'] = (tenant, limit) => this.inner.recent(tenant, limit);
  markEnqueued: TaskStore['markEnqueued'] = (ids) => this.inner.markEnqueued(ids);
  listOutbox: TaskStore['listOutbox'] = (before, limit) => this.inner.listOutbox(before, limit);
}
