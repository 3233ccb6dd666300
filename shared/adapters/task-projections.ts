import type { Task } from '../domain/task.js';
import type { OutboxEntry, TaskSummary } from '../ports/task-store.js';

export function toSummary(task: Task): TaskSummary {
  return {
    id: task.id,
    type: task.type,
    status: task.status,
    pool: task.pool,
    priority: task.priority,
    attempts: task.attempts,
    maxAttempts: task.maxAttempts,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    ...(task.startedAt !== undefined ? { startedAt: task.startedAt } : {}),
    ...(task.finishedAt !== undefined ? { finishedAt: task.finishedAt } : {}),
  };
}

export function toOutboxEntry(task: Task): OutboxEntry {
  return {
    id: task.id,
    tenant: task.tenant,
    pool: task.pool,
    priority: task.priority,
    delaySeconds: task.delaySeconds,
    createdAt: task.createdAt,
  };
}
