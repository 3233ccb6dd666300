import { parseTaskInput } from '../domain/task-input.js';
import { newTask, type Task, type TaskInput } from '../domain/task.js';
import { routeToPool } from '../domain/routing.js';
import { DuplicateTaskIdError, TaskfleetError, UnroutableError, ValidationError } from '../errors.js';
import type { Services } from './deps.js';
import { enqueueAndConfirm } from './enqueue.js';
import { mapWithConcurrency } from './concurrency.js';

export type SubmitResult =
  | { readonly ok: true; readonly created: boolean; readonly task: Task }
  | { readonly ok: false; readonly error: TaskfleetError };

/** Parallel record writes per batch: enough to be quick, few enough not to throttle. */
const WRITE_CONCURRENCY = 16;

/**
 * Submits tasks independently: each is validated, routed, written (conditional,
 * with its idempotency key) and then enqueued. One bad item does not stop the
 * others. A task whose enqueue fails stays in the outbox, still PENDING and
 * accepted; `reconcileOutbox` sends it later, so nothing accepted is lost.
 */
export async function submitTasks(
  services: Services,
  tenant: string,
  rawItems: readonly unknown[],
  fieldPrefix: (index: number) => string = () => '',
): Promise<SubmitResult[]> {
  const now = services.now();
  const prepared = rawItems.map((raw, index) => prepare(services, tenant, raw, now, fieldPrefix(index)));
  markDuplicateIds(prepared, fieldPrefix);

  const results = await mapWithConcurrency(prepared, WRITE_CONCURRENCY, async (item): Promise<SubmitResult> => {
    if (!item.ok) return item;
    try {
      const { created, task } = await services.store.create(item.task);
      return { ok: true, created, task };
    } catch (error) {
      if (error instanceof TaskfleetError) return { ok: false, error };
      throw error;
    }
  });

  const fresh = results.flatMap((r) => (r.ok && r.created ? [r.task] : []));
  try {
    await enqueueAndConfirm(services, fresh);
  } catch (error) {
    // The records are written and still in the outbox: accepted, not lost.
    services.warn('enqueue failed; the outbox reconciler will send these tasks', {
      taskIds: fresh.map((t) => t.id),
      error: String(error),
    });
  }
  return results;
}

/** One task; throws its error. */
export async function submitTask(services: Services, tenant: string, raw: unknown): Promise<{ created: boolean; task: Task }> {
  const [result] = await submitTasks(services, tenant, [raw]);
  if (result === undefined) throw new Error('submitTasks returned no result');
  if (!result.ok) throw result.error;
  return { created: result.created, task: result.task };
}

type Prepared = { ok: true; task: Task } | { ok: false; error: TaskfleetError };

function prepare(services: Services, tenant: string, raw: unknown, now: Date, prefix: string): Prepared {
  const parsed = parseTaskInput(raw, now, prefix);
  if (!parsed.ok) return { ok: false, error: new ValidationError(parsed.fields) };
  const input: TaskInput = parsed.value;
  const route = routeToPool(services.pools, input.requires);
  if (!route.ok) return { ok: false, error: new UnroutableError(route.missing, at(prefix, 'requires')) };
  if (input.then !== undefined) {
    const stage = routeToPool(services.pools, input.then.requires ?? input.requires);
    if (!stage.ok) return { ok: false, error: new UnroutableError(stage.missing, at(prefix, 'then.requires')) };
  }
  if (input.maxAttempts > route.pool.maxAttempts) {
    return {
      ok: false,
      error: new ValidationError([
        { field: at(prefix, 'maxAttempts'), message: `pool ${route.pool.name} allows at most ${route.pool.maxAttempts}` },
      ]),
    };
  }
  const task = newTask(input, { id: services.newId(), tenant, pool: route.pool.name, now });
  return { ok: true, task };
}

/** Two items of one batch naming the same id: the later ones are refused. */
function markDuplicateIds(items: Prepared[], fieldPrefix: (index: number) => string): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (!item.ok) return;
    if (seen.has(item.task.id)) {
      items[index] = { ok: false, error: new DuplicateTaskIdError(item.task.id, at(fieldPrefix(index), 'id')) };
    }
    seen.add(item.task.id);
  });
}

function at(prefix: string, field: string): string {
  return prefix === '' ? field : `${prefix}.${field}`;
}
