import { parseTaskInput } from '../domain/task-input.js';
import { idempotencyKey } from '../domain/validation.js';
import { newTask, type Task, type TaskInput } from '../domain/task.js';
import { admitTimeout } from '../domain/admission.js';
import { DuplicateTaskIdError, PoolLimitError, TaskfleetError, ValidationError } from '../errors.js';
import type { Services } from './deps.js';
import { lazyFleet, placeTask, type Fleet } from './placement.js';

export type SubmitResult =
  | { readonly ok: true; readonly created: boolean; readonly task: Task }
  | { readonly ok: false; readonly error: TaskfleetError };

/**
 * Submits tasks independently: each is validated, routed, admitted (agent pools:
 * some registered agent could run it) and created by the lifecycle. One bad item
 * does not stop the others; an item that could not be queued is refused (503),
 * never accepted and lost.
 */
export async function submitTasks(
  services: Services,
  tenant: string,
  rawItems: readonly unknown[],
  fieldPrefix: (index: number) => string = () => '',
): Promise<SubmitResult[]> {
  const now = services.now();
  const fleet = lazyFleet(services, tenant);
  const prepared = await Promise.all(rawItems.map((raw, index) => prepare(services, tenant, raw, now, fieldPrefix(index), fleet)));
  markDuplicateIds(prepared, fieldPrefix);
  const valid = prepared.flatMap((item) => (item.ok ? [item.task] : []));
  const created = await services.lifecycle.createAll(valid);
  let next = 0;
  return prepared.map((item): SubmitResult => {
    if (!item.ok) return item.replayed !== undefined ? { ok: true, created: false, task: item.replayed } : { ok: false, error: item.error };
    const result = created[next++];
    if (result === undefined) throw new Error('createAll returned fewer results than tasks');
    if ('error' in result) {
      if (result.error instanceof TaskfleetError) return { ok: false, error: result.error };
      throw result.error;
    }
    return { ok: true, created: result.created, task: result.task };
  });
}

/** One task; throws its error. */
export async function submitTask(services: Services, tenant: string, raw: unknown): Promise<{ created: boolean; task: Task }> {
  const [result] = await submitTasks(services, tenant, [raw]);
  if (result === undefined) throw new Error('submitTasks returned no result');
  if (!result.ok) throw result.error;
  return { created: result.created, task: result.task };
}

/** `replayed`: the item is refused as sent, but its idempotencyKey already names a task (answered as a replay). */
type Prepared = { ok: true; task: Task } | { ok: false; error: TaskfleetError; replayed?: Task };

async function prepare(services: Services, tenant: string, raw: unknown, now: Date, prefix: string, fleet: Fleet): Promise<Prepared> {
  const parsed = parseTaskInput(raw, now, prefix);
  if (!parsed.ok) return { ok: false, error: new ValidationError(parsed.fields), ...(await replayOf(services, tenant, raw)) };
  const input: TaskInput = parsed.value;
  const placed = await placeTask(services, fleet, input, at(prefix, 'requires'));
  if (!placed.ok) return placed;
  if (input.then !== undefined) {
    const stage = await placeTask(services, fleet, { requires: input.then.requires ?? input.requires }, at(prefix, 'then.requires'));
    if (!stage.ok) return stage;
  }
  if (input.maxAttempts > placed.pool.maxAttempts) {
    return {
      ok: false,
      error: new ValidationError([{ field: at(prefix, 'maxAttempts'), message: `pool ${placed.pool.name} allows at most ${placed.pool.maxAttempts}` }]),
    };
  }
  const timeout = admitTimeout(placed.pool, input.timeoutSeconds, hasField(raw, 'timeoutSeconds'));
  if (!timeout.ok) return { ok: false, error: new PoolLimitError(at(prefix, 'timeoutSeconds'), timeout.message) };
  const task = newTask({ ...input, timeoutSeconds: timeout.timeoutSeconds }, { id: services.newId(), tenant, pool: placed.pool.name, now });
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

/**
 * A retry of a submit whose first answer was lost (a 503 timeout after the write, a
 * dropped connection) must get its task back even if the item no longer passes a
 * check that depends on the clock (a deadline now past): a key that names a task
 * answers with it, never an error for a task that is kept. Looked up only for a
 * refused item, so a valid submit pays nothing more.
 */
async function replayOf(services: Services, tenant: string, raw: unknown): Promise<{ replayed?: Task }> {
  const key = idempotencyKey.safeParse(typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).idempotencyKey : undefined);
  // A key that is itself invalid (too long, a '#') names no task: the item's refusal stands.
  if (!key.success || key.data === '') return {};
  const task = await services.lifecycle.byIdempotencyKey(tenant, key.data);
  return task === undefined ? {} : { replayed: task };
}

function hasField(raw: unknown, field: string): boolean {
  return typeof raw === 'object' && raw !== null && (raw as Record<string, unknown>)[field] !== undefined;
}

function at(prefix: string, field: string): string {
  return prefix === '' ? field : `${prefix}.${field}`;
}
