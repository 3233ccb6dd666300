import type { Task } from '../domain/task.js';
import { ConflictError } from '../errors.js';
import type { Services } from './deps.js';
import { getTask } from './read-tasks.js';
import { isInvalidTransition } from './task-lifecycle.js';

/**
 * Cancels a PENDING or ACTIVE task; an agent's slot is freed at once (the
 * lifecycle's after-commit effect), and its later lease-token calls get 409.
 * Throws NotFoundError (404) and, for a task already finished, ConflictError (409).
 */
export async function cancelTask(services: Pick<Services, 'lifecycle' | 'records'>, tenant: string, id: string): Promise<Task> {
  const task = await getTask(services, tenant, id);
  try {
    return await services.lifecycle.move(tenant, id, { type: 'cancel' }, { seen: task });
  } catch (error) {
    if (isInvalidTransition(error)) throw new ConflictError('already_terminal', `task ${id} is already ${error.from}`);
    throw error;
  }
}
