import { childId } from '../domain/job.js';
import type { Json, Task } from '../domain/task.js';
import type { ChildResult } from '../handlers.js';
import type { TaskRecords } from '../ports/task-records.js';

/** Children read per page: one BatchGetItem. */
const PAGE = 100;

/**
 * The results of a reduce task's job children, page by page: each child keeps
 * its own result, so a job's results are bound by the number of children, not
 * by one item's 400 KB. Children that did not complete are skipped.
 */
export async function* childResults(
  records: Pick<TaskRecords, 'getMany'>,
  reduce: Task,
  resultOf: (child: Task) => Promise<Json | undefined> = async (child) => child.result,
): AsyncGenerator<ChildResult> {
  const payload = reduce.payload as { total?: unknown } | null;
  const total = typeof payload?.total === 'number' ? payload.total : 0;
  const jobId = reduce.job?.id;
  if (jobId === undefined) return;
  for (let start = 0; start < total; start += PAGE) {
    const ids = Array.from({ length: Math.min(PAGE, total - start) }, (_, i) => childId(jobId, start + i));
    for (const child of await records.getMany(reduce.tenant, ids)) {
      if (child.status === 'COMPLETED') yield { index: child.job?.index ?? 0, result: (await resultOf(child)) ?? null };
    }
  }
}
