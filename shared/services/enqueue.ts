import { toOutboxEntry } from '../adapters/task-projections.js';
import type { Task } from '../domain/task.js';
import type { OutboxEntry } from '../ports/task-store.js';
import type { Services } from './deps.js';

/**
 * Sends tasks to their queues, then takes the ones that went out of the outbox.
 * The ones that did not go stay there for `reconcileOutbox`. Safe to repeat: a
 * task enqueued twice is started once, because starting is a conditional write.
 */
export async function enqueueAndConfirm(
  services: Pick<Services, 'queue' | 'store'>,
  tasks: readonly (Task | OutboxEntry)[],
): Promise<{ sent: number; failed: number }> {
  if (tasks.length === 0) return { sent: 0, failed: 0 };
  const entries = tasks.map((t) => ('status' in t ? toOutboxEntry(t) : t));
  const { failed } = await services.queue.enqueue(entries);
  const failedIds = new Set(failed.map((f) => f.taskId));
  const sent = entries.filter((e) => !failedIds.has(e.id)).map((e) => e.id);
  await services.store.markEnqueued(sent);
  return { sent: sent.length, failed: failedIds.size };
}
