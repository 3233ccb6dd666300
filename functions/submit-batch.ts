import { z } from 'zod';
import { LIMITS } from '../shared/domain/limits.js';
import { toFieldErrors } from '../shared/domain/task-input.js';
import { ValidationError } from '../shared/errors.js';
import { json } from '../shared/http/http-handler.js';
import { jsonBody, tenantOf } from '../shared/http/request.js';
import { submitTasks } from '../shared/services/submit-tasks.js';
import { apiFunction } from './api-function.js';

const batchSchema = z.strictObject({ tasks: z.array(z.unknown()).min(1).max(LIMITS.batchItems) });

/**
 * POST /tasks/batch {tasks: [...]} → 207-style per-item results in order. Valid
 * items are accepted even when others are not; the answer is 202 if any item
 * was accepted, else 400.
 */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  const parsed = batchSchema.safeParse(jsonBody(event));
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const results = await submitTasks(services.taskDeps, tenantOf(event), parsed.data.tasks, (i) => `tasks.${i}`);
  const items = results.map((r, index) =>
    r.ok
      ? { index, status: r.created ? 202 : 200, id: r.task.id, taskStatus: r.task.status, pool: r.task.pool, priority: r.task.priority }
      : { index, status: r.error.status, ...r.error.toJSON() },
  );
  const accepted = results.filter((r) => r.ok).length;
  // All refused: a 400 like any other bad request (an `error` beside the per-item answers).
  const error = { code: 'invalid_request', message: `none of the ${results.length} tasks was accepted; see items` };
  return json(accepted > 0 ? 202 : 400, { ...(accepted > 0 ? {} : { error }), accepted, rejected: results.length - accepted, items });
});
