import { z } from 'zod';
import { toFieldErrors } from '../domain/task-input.js';
import type { TaskfleetEvent } from '../domain/events.js';
import { ValidationError } from '../errors.js';
import type { EventLog } from '../ports/events.js';

export const readEventsQuery = z.object({
  after: z.string().max(200).regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z(#.*)?$/, 'must be a cursor from a previous answer').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * GET /events: a tenant's events of the last hour at most, oldest first, a few
 * seconds behind real time. `next` is the cursor to pass as `after` to follow on.
 */
export async function readEvents(
  deps: { eventLog: EventLog; now: () => Date },
  tenant: string,
  params: Readonly<Record<string, string | undefined>>,
): Promise<{ items: TaskfleetEvent[]; next: string }> {
  const parsed = readEventsQuery.safeParse(params);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  const { events, next } = await deps.eventLog.read(tenant, parsed.data.after, parsed.data.limit, deps.now());
  return { items: events, next };
}
