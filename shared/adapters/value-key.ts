import { randomUUID } from 'node:crypto';

/**
 * The key of a new value object: `<tenant>/<taskId>/<name>-<uuid>.json`. Unique
 * per write, so a refused write (which leaves its own object behind, removed by
 * its writer) never replaces the object an existing record points to.
 */
export function newValueKey(tenant: string, taskId: string, name: 'payload' | 'result'): string {
  return `${tenant}/${encodeURIComponent(taskId)}/${name}-${randomUUID()}.json`;
}
