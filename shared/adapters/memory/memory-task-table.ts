import { childOutcome, type ChildCounts } from '../../domain/job.js';
import type { Due, Task } from '../../domain/task.js';
import type { CommitOutcome, TaskRecords, TaskWrite } from '../../ports/task-records.js';
import type { DueTask, ListTasksQuery, Page, ReadyTask, TaskQueries, TaskSummary } from '../../ports/task-queries.js';
import { decodeListCursor, encodeListCursor, summaryOf, wantsItem } from '../task-list.js';

/**
 * Task records and queries in memory, for unit tests of the services. It passes
 * the same contract suite as the DynamoDB adapters (test/contract/), so what
 * holds here holds there: per-tenant ids, revision-conditioned writes, an id taken
 * by any task (a next stage included) is a conflict.
 */
export class MemoryTaskTable implements TaskRecords, TaskQueries {
  readonly tasks = new Map<string, Task>();
  private readonly idempotency = new Map<string, string>();
  /** `tenant#jobId#shard` → counts: what DynamoDB keeps in counter items. */
  readonly counts = new Map<string, ChildCounts>();
  /** Writes that will report a lost race before they are tried (tests of the retry paths). */
  loseNextRaces = 0;

  async get(tenant: string, id: string): Promise<Task | undefined> {
    return this.tasks.get(key(tenant, id));
  }

  async getMany(tenant: string, ids: readonly string[]): Promise<readonly Task[]> {
    return ids.flatMap((id) => this.tasks.get(key(tenant, id)) ?? []);
  }

  async commit(write: TaskWrite): Promise<CommitOutcome> {
    if (this.loseNextRaces > 0) {
      this.loseNextRaces--;
      return { status: 'lost-race' };
    }
    const { before, after } = write;
    const id = key(after.tenant, after.id);
    if (before === undefined) {
      const idem = after.idempotencyKey === undefined ? undefined : key(after.tenant, after.idempotencyKey);
      const replayOf = idem === undefined ? undefined : this.idempotency.get(idem);
      if (replayOf !== undefined) return { status: 'conflict', reason: 'key-taken', taskId: replayOf };
      if (this.tasks.has(id)) return { status: 'conflict', reason: 'id-taken' };
      this.tasks.set(id, after);
      if (idem !== undefined) this.idempotency.set(idem, after.id);
      return { status: 'ok' };
    }
    if (this.tasks.get(id)?.revision !== before.revision) return { status: 'lost-race' };
    this.tasks.set(id, after);
    // What the DynamoDB deployment's stream consumer adds to the job's counter items from this change (at once here: no stream).
    const child = childOutcome(before, after);
    if (child !== undefined) {
      const counter = `${child.tenant}#${child.jobId}#stream`;
      const counts = this.counts.get(counter) ?? { completed: 0, failed: 0, cancelled: 0 };
      this.counts.set(counter, { ...counts, [child.outcome]: counts[child.outcome] + 1 });
    }
    return { status: 'ok' };
  }

  async idempotent(tenant: string, key: string): Promise<string | undefined> {
    return this.idempotency.get(`${tenant}#${key}`);
  }

  async insertMany(tasks: readonly Task[]): Promise<void> {
    for (const task of tasks) this.tasks.set(key(task.tenant, task.id), task);
  }

  async list(query: ListTasksQuery): Promise<Page<TaskSummary>> {
    const descending = query.order !== 'asc';
    const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
    const keyed = [...this.tasks.values()]
      .filter((t) => t.tenant === query.tenant && (query.pool === undefined || t.pool === query.pool) && (query.type === undefined || t.type === query.type))
      .map((task) => ({ key: `${task.createdAt}#${task.id}`, task }))
      .filter(({ key: k }) => after === undefined || (descending ? k < after : k > after))
      .sort((a, b) => (descending ? b.key.localeCompare(a.key) : a.key.localeCompare(b.key)));
    // Like the DynamoDB adapter: a page is the next `limit` keys, the status filter applied to them.
    const page = keyed.slice(0, query.limit);
    const items = page.filter(({ task }) => wantsItem(task, query)).map(({ task }) => summaryOf(task));
    const last = page.at(-1);
    return keyed.length > query.limit && last !== undefined ? { items, nextCursor: encodeListCursor(last.key) } : { items };
  }

  async ready(tenant: string, pool: string, perShard: number): Promise<readonly ReadyTask[]> {
    const byShard = new Map<number, ReadyTask[]>();
    for (const task of this.tasks.values()) {
      if (task.tenant !== tenant || task.pool !== pool || task.ready === undefined) continue;
      const list = byShard.get(task.ready.shard) ?? [];
      list.push({ ...readyView(task), readyKey: task.ready.key, readySince: task.ready.since });
      byShard.set(task.ready.shard, list);
    }
    return [...byShard.values()]
      .flatMap((list) => list.sort((a, b) => a.readyKey.localeCompare(b.readyKey)).slice(0, perShard))
      .sort((a, b) => a.readyKey.localeCompare(b.readyKey));
  }

  async due(kind: Due['kind'], before: Date, limit: number): Promise<readonly DueTask[]> {
    return [...this.tasks.values()]
      .filter((t) => t.due?.kind === kind && Date.parse(t.due.at) <= before.getTime())
      .sort((a, b) => (a.due as Due).at.localeCompare((b.due as Due).at))
      .slice(0, limit)
      .map((t) => ({ tenant: t.tenant, id: t.id, due: t.due as Due }));
  }
}

const key = (tenant: string, id: string): string => `${tenant}#${id}`;

function readyView(task: Task): Omit<ReadyTask, 'readyKey' | 'readySince'> {
  const { id, tenant, pool, type, priority, requires, resources, placement, deadline, availableAt, createdAt } = task;
  return {
    id, tenant, pool, type, priority, requires, createdAt,
    ...(resources !== undefined ? { resources } : {}),
    ...(placement !== undefined ? { placement } : {}),
    ...(deadline !== undefined ? { deadline } : {}),
    ...(availableAt !== undefined ? { availableAt } : {}),
  };
}
