import type { Task } from '../domain/task.js';
import { ValidationError } from '../errors.js';
import type { ListTasksQuery, TaskSummary } from '../ports/task-queries.js';

/** What a list page shows of a task. */
export function summaryOf(task: Task): TaskSummary {
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
    ...(task.deadline !== undefined ? { deadline: task.deadline } : {}),
  };
}

/** Does a task read for a list page pass the query's filters? */
export function wantsItem(task: Task, query: ListTasksQuery): boolean {
  return (
    (query.status === undefined || task.status === query.status) &&
    (query.pool === undefined || task.pool === query.pool) &&
    (query.type === undefined || task.type === query.type)
  );
}

/** A list key: `<createdAt>#<id>` (an index's), or `task#<id>` (the table's own); ids never hold `#`. */
const LIST_KEY = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z|task)#[A-Za-z0-9._:~-]{1,200}$/;

/** The cursor is the last key shown, base64url-wrapped so clients treat it as opaque. */
export function encodeListCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** Throws ValidationError (400) unless the cursor is one a list returned. */
export function decodeListCursor(cursor: string): string {
  const key = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!LIST_KEY.test(key)) throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this list returned' }]);
  return key;
}
