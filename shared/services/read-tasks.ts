import { z } from 'zod';
import { toFieldErrors } from '../domain/task-input.js';
import { TASK_STATUSES } from '../domain/task-status.js';
import { LIMITS } from '../domain/limits.js';
import type { Task } from '../domain/task.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Page, TaskSummary } from '../ports/task-store.js';
import type { Services } from './deps.js';

/** A tenant's task; another tenant's task is "not found", never "forbidden". */
export async function getTask(services: Pick<Services, 'store'>, tenant: string, id: string): Promise<Task> {
  const task = await services.store.get(id);
  if (task === undefined || task.tenant !== tenant) throw new NotFoundError('task', id);
  return task;
}

/**
 * A page of the tenant's tasks, filtered by status and/or pool. Throws
 * ValidationError naming each bad query parameter.
 */
export async function listTasks(
  services: Pick<Services, 'store' | 'pools'>,
  tenant: string,
  rawQuery: Record<string, string | undefined>,
): Promise<Page<TaskSummary>> {
  const poolNames = services.pools.map((p) => p.name) as [string, ...string[]];
  const schema = z.strictObject({
    status: z.enum(TASK_STATUSES as [string, ...string[]], { error: `must be one of ${TASK_STATUSES.join(', ')}` }).optional(),
    pool: z.enum(poolNames, { error: `must be one of ${poolNames.join(', ')}` }).optional(),
    limit: z.coerce.number().int().min(1).max(LIMITS.listPageSize).default(50),
    cursor: z.string().min(1).max(2048).optional(),
  });
  const parsed = schema.safeParse(rawQuery);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const { status, pool, limit, cursor } = parsed.data;
  return services.store.list({
    tenant,
    limit,
    ...(status !== undefined ? { status: status as Task['status'] } : {}),
    ...(pool !== undefined ? { pool } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  });
}
