import type { Task, TaskError } from '../domain/task.js';
import type { DeadLetter } from '../ports/dead-letters.js';

export function toDeadLetter(task: Task, error: TaskError, now: Date): DeadLetter {
  return {
    taskId: task.id,
    tenant: task.tenant,
    type: task.type,
    pool: task.pool,
    priority: task.priority,
    attempts: task.attempts,
    error,
    failedAt: now.toISOString(),
  };
}
