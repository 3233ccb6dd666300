import { holdsRef, possibleHolders, releasedRefs } from '../domain/value-refs.js';
import type { Task } from '../domain/task.js';
import type { TaskRecords } from '../ports/task-records.js';
import type { ValueStore } from '../ports/value-store.js';

export interface ReleaseValuesDeps {
  readonly values: Pick<ValueStore, 'delete'>;
  readonly records: Pick<TaskRecords, 'get'>;
}

/**
 * Deletes the objects a task record let go of (deleted, expired by TTL, or rewritten
 * to point elsewhere), unless a record that may hold the same object still does.
 * Safe to repeat: deleting a missing object succeeds. Throws when a delete or a
 * check fails, so the stream retries the record rather than leave an orphan.
 */
export async function releaseValues(deps: ReleaseValuesDeps, before: Task | undefined, after: Task | undefined): Promise<number> {
  let deleted = 0;
  for (const ref of releasedRefs(before, after)) {
    const holders = possibleHolders(ref.key);
    if (holders === undefined) continue; // not a key this code wrote: left alone
    const current = await Promise.all(holders.ids.map((id) => deps.records.get(holders.tenant, id)));
    if (current.some((task) => holdsRef(task, ref.key))) continue;
    await deps.values.delete(ref);
    deleted++;
  }
  return deleted;
}
