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
 * A page of the tenant's tasks, newest first unless `order=asc`, filtered by
 * status, pool and/or type. Throws ValidationError naming each bad parameter.
 */
export async function listTasks(
  services: Pick<Services, 'queries' | 'pools'>,
  tenant: string,
  rawQuery: Record<string, string | undefined>,
): Promise<Page<TaskSummary>> {
  const poolNames = services.pools.map((p) => p.name) as [string, ...string[]];
  const upper = (value: unknown): unknown => (typeof value === 'string' ? value.toUpperCase() : value);
  const schema = z.strictObject({
    status: z.preprocess(upper, z.enum(TASK_STATUSES as [string, ...string[]], { error: `must be one of ${TASK_STATUSES.join(', ')}` })).optional(),
    pool: z.enum(poolNames, { error: `must be one of ${poolNames.join(', ')}` }).optional(),
    type: z.string().min(1).max(128).optional(),
    order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('desc'),
    limit: z.coerce.number().int().min(1).max(LIMITS.listPageSize).default(50),
    cursor: cursorSchema.optional(),
  });
  const parsed = schema.safeParse(rawQuery);
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
