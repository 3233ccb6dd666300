import type { ListTasksQuery, TaskQueries, TaskSummary } from '../../shared/ports/task-queries.js';

/** Every page of a listing, following its cursors to the end. */
export async function listPages(queries: TaskQueries, query: Omit<ListTasksQuery, 'cursor'>): Promise<TaskSummary[][]> {
  const pages: TaskSummary[][] = [];
  let cursor: string | undefined;
  do {
    const page = await queries.list({ ...query, ...(cursor !== undefined ? { cursor } : {}) });
    pages.push([...page.items]);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return pages;
}
