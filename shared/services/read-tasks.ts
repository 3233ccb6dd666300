import { z } from 'zod';
import { toFieldErrors } from '../domain/task-input.js';
import { TASK_STATUSES } from '../domain/task-status.js';
import { LIMITS } from '../domain/limits.js';
import { cursor as cursorSchema } from '../domain/validation.js';
import type { Task } from '../domain/task.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Page, TaskSummary } from '../ports/task-queries.js';
import type { Services } from './deps.js';

/** A tenant's task; another tenant's is "not found" (it lives under another tenant's key). */
export async function getTask(services: { readonly records: Pick<Services['records'], 'get'> }, tenant: string, id: string): Promise<Task> {
  const task = await services.records.get(tenant, id);
  if (task === undefined) throw new NotFoundError('task', id);
  return task;
}

/**
 * A task as `GET /tasks/{id}` shows it: values above the inline limit are left as
 * a reference (`payloadRef`/`resultRef` with their size) unless `include` names
 * them (`payload`, `result`, or both, comma-separated) — each up to 5 MiB, so ask
 * for one at a time to stay inside the 6 MB response a Lambda can return.
 */
export async function getTaskView(services: Pick<Services, 'records' | 'lifecycle'>, tenant: string, id: string, include?: string): Promise<Task> {
  const wanted = new Set((include ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const unknown = [...wanted].filter((w) => w !== 'payload' && w !== 'result');
  if (unknown.length > 0) throw new ValidationError([{ field: 'include', message: 'must be payload, result, or both, comma-separated' }]);
  let task = await getTask(services, tenant, id);
  if (wanted.has('payload') && task.payloadRef !== undefined) task = { ...task, payload: (await services.lifecycle.valueOf(task, 'payload')) ?? null };
  if (wanted.has('result') && task.resultRef !== undefined) task = { ...task, result: (await services.lifecycle.valueOf(task, 'result')) ?? null };
  return task;
}

/** GET /tasks's query over these pools; exported for the API document. */
export function listTasksQuery(pools: readonly Pick<Services['pools'][number], 'name'>[]) {
  const poolNames = pools.map((p) => p.name) as [string, ...string[]];
  const upper = (value: unknown): unknown => (typeof value === 'string' ? value.toUpperCase() : value);
  return z.strictObject({
    status: z.preprocess(upper, z.enum(TASK_STATUSES as [string, ...string[]], { error: `must be one of ${TASK_STATUSES.join(', ')}` })).optional(),
    pool: z.enum(poolNames, { error: `must be one of ${poolNames.join(', ')}` }).optional(),
    type: z.string().min(1).max(128).optional(),
    order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('desc'),
    limit: z.coerce.number().int().min(1).max(LIMITS.listPageSize).default(50),
    cursor: cursorSchema.optional(),
  });
}

/**
 * A page of the tenant's tasks, newest first unless `order=asc`, filtered by
 * status, pool and/or type. Throws ValidationError naming each bad parameter.
 */
export async function listTasks(
  services: Pick<Services, 'queries' | 'pools'>,
  tenant: string,
  rawQuery: Record<string, string | undefined>,
): Promise<Page<TaskSummary>> {
  const parsed = listTasksQuery(services.pools).safeParse(rawQuery);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const { status, pool, type, order, limit, cursor } = parsed.data;
  return services.queries.list({
    tenant,
    limit,
    order,
    ...(status !== undefined ? { status: status as Task['status'] } : {}),
    ...(pool !== undefined ? { pool } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  });
}
