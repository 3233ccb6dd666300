import { InvalidTransitionError } from '../domain/state-machine.js';
import type { Task } from '../domain/task.js';
import { ConflictError } from '../errors.js';
import type { Services } from './deps.js';
import { getTask } from './read-tasks.js';

/**
 * Cancels a PENDING or ACTIVE task. A worker that later receives it finds it
 * CANCELLED and drops it unrun. Throws NotFoundError (404) and, for a task
 * already finished, ConflictError (409).
 */
export async function cancelTask(services: Pick<Services, 'store' | 'now'>, tenant: string, id: string): Promise<Task> {
  const task = await getTask(services, tenant, id);
  try {
    return await services.store.apply(id, { type: 'cancel' }, services.now(), { seen: task });
  } catch (error) {
    if (error instanceof InvalidTransitionError) {
      throw new ConflictError('already_terminal', `task ${id} is already ${error.from}`);
    }
    throw error;
  }
}
