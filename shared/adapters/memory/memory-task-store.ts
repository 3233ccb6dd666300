import { transition } from '../../domain/state-machine.js';
import { followUpsOf, type StageRouter } from '../../domain/follow-ups.js';
import type { ChildCounts } from '../../domain/job.js';
import type { Task } from '../../domain/task.js';
import { DuplicateTaskIdError, NotFoundError } from '../../errors.js';
import type { TaskEvent } from '../../domain/state-machine.js';
import { TASK_STATUSES, type TaskStatus } from '../../domain/task-status.js';
import type {
  ApplyOptions,
  CreateTaskResult,
  ListTasksQuery,
  OutboxEntry,
  Page,
  TaskStore,
  TaskSummary,
} from '../../ports/task-store.js';
import { toSummary, toOutboxEntry } from '../task-projections.js';

/** In-memory TaskStore for unit tests of the services; same contract as DynamoDB. */
export class MemoryTaskStore implements TaskStore {
  readonly tasks = new Map<string, Task>();
  private readonly idempotency = new Map<string, string>();
  private readonly outbox = new Set<string>();
  /** `jobId#shard` → counts: what the DynamoDB store keeps in shard items. */
  readonly shards = new Map<string, ChildCounts>();

  constructor(private readonly route: StageRouter = () => undefined) {}

  async create(task: Task): Promise<CreateTaskResult> {
    const key = task.idempotencyKey === undefined ? undefined : `${task.tenant}#${task.idempotencyKey}`;
    const replayOf = key === undefined ? undefined : this.idempotency.get(key);
    if (replayOf !== undefined) return { created: false, task: this.tasks.get(replayOf)! };
    if (this.tasks.has(task.id)) throw new DuplicateTaskIdError(task.id);
    this.tasks.set(task.id, task);
    if (key !== undefined) this.idempotency.set(key, task.id);
    this.outbox.add(task.id);
    return { created: true, task };
  }

  async get(id: string): Promise<Task | undefined> {
    return this.tasks.get(id);
  }

  async getMany(ids: readonly string[]): Promise<readonly Task[]> {
    return ids.flatMap((id) => this.tasks.get(id) ?? []);
  }

  async createMany(tasks: readonly Task[]): Promise<void> {
    for (const task of tasks) this.tasks.set(task.id, task);
  }

  async list(query: ListTasksQuery): Promise<Page<TaskSummary>> {
    const all = [...this.tasks.values()]
      .filter((t) => t.tenant === query.tenant)
      .filter((t) => query.status === undefined || t.status === query.status)
      .filter((t) => query.pool === undefined || t.pool === query.pool)
      .sort((a, b) => (a.createdAt + a.id).localeCompare(b.createdAt + b.id));
    const start = query.cursor === undefined ? 0 : Number(query.cursor);
    const items = all.slice(start, start + query.limit).map(toSummary);
    const next = start + query.limit;
    return next < all.length ? { items, nextCursor: String(next) } : { items };
  }

  async apply(id: string, event: TaskEvent, now: Date, options: ApplyOptions = {}): Promise<Task> {
    const stored = this.tasks.get(id);
    if (stored === undefined) throw new NotFoundError('task', id);
    // A stale `seen` loses the race, as the DynamoDB store's condition would make it.
    const current = options.seen !== undefined && options.seen.revision === stored.revision ? options.seen : stored;
    options.guard?.(current);
    const next = transition(current, event, now);
    const followUps = followUpsOf(next, this.route, now);
    this.tasks.set(id, next);
    if (followUps.count !== undefined) {
      const key = `${followUps.count.jobId}#${followUps.count.shard}`;
      const shard = this.shards.get(key) ?? { completed: 0, failed: 0, cancelled: 0 };
      this.shards.set(key, { ...shard, [followUps.count.outcome]: shard[followUps.count.outcome] + 1 });
    }
    if (followUps.next !== undefined && !this.tasks.has(followUps.next.id)) {
      this.tasks.set(followUps.next.id, followUps.next);
      this.outbox.add(followUps.next.id);
    }
    return next;
  }

  async countByStatus(tenant: string): Promise<Record<TaskStatus, number>> {
    const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    for (const task of this.tasks.values()) if (task.tenant === tenant) counts[task.status] += 1;
    return counts;
  }

  async recent(tenant: string, limit: number): Promise<readonly TaskSummary[]> {
    return [...this.tasks.values()]
      .filter((t) => t.tenant === tenant)
      .sort((a, b) => (b.createdAt + b.id).localeCompare(a.createdAt + a.id))
      .slice(0, limit)
      .map(toSummary);
  }

  async markEnqueued(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.outbox.delete(id);
  }

  async listOutbox(createdBefore: Date, limit: number): Promise<readonly OutboxEntry[]> {
    return [...this.outbox]
      .map((id) => this.tasks.get(id)!)
      .filter((t) => Date.parse(t.createdAt) <= createdBefore.getTime())
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, limit)
      .map(toOutboxEntry);
  }
}
