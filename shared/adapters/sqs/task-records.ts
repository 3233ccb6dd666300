import type { SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import type { HeldToken } from '../../domain/rate-limit.js';
import type { TaskMessage } from '../../ports/task-queue.js';

/** What a record handler logs with (a Powertools Logger fits). */
export interface RecordLogger {
  error(message: string, details: Record<string, unknown>): void;
  debug(message: string, details: Record<string, unknown>): void;
}

/**
 * Thrown for a record to stay on its queue on purpose (a retry's backoff, an open
 * circuit): Powertools' batch processor reports it in batchItemFailures, and it
 * is not logged as an error.
 */
export class KeepMessage extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'KeepMessage';
  }
}

/** A reserved rate token as a message carries it (the start gate still decides whether it is honoured). */
const heldToken = z.object({
  at: z.number(),
  attempt: z.number().int().min(1),
  limit: z.number().int().min(1),
  perMs: z.number().positive(),
}) satisfies z.ZodType<HeldToken>;

/**
 * A work-queue record's body; throws on one that is not a task message (it then
 * redrives to the DLQ). A malformed token is dropped, not thrown: the start then
 * takes a token as if it held none.
 */
export function parseTaskRecord(record: SQSRecord): TaskMessage {
  const body = JSON.parse(record.body) as Partial<Record<keyof TaskMessage, unknown>>;
  if (typeof body.taskId !== 'string' || typeof body.tenant !== 'string') throw new Error('not a task message: taskId and tenant are required');
  const token = body.token === undefined ? undefined : heldToken.safeParse(body.token).data;
  return {
    taskId: body.taskId,
    tenant: body.tenant,
    ...(typeof body.sentAt === 'string' ? { sentAt: body.sentAt } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

/**
 * Wraps a per-record handler so every failure is logged with the task id, the
 * tenant and the error (AccessDenied, throttling, bad input would otherwise be
 * invisible: the batch processor only reports the message id back to Lambda).
 * The error is rethrown so the record stays on its queue.
 */
export function loggingRecordFailures(
  logger: RecordLogger,
  handle: (message: TaskMessage, record: SQSRecord) => Promise<void>,
): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    let message: TaskMessage | undefined;
    try {
      message = parseTaskRecord(record);
      await handle(message, record);
    } catch (error) {
      const where = { taskId: message?.taskId, tenant: message?.tenant, messageId: record.messageId, queue: record.eventSourceARN };
      if (error instanceof KeepMessage) logger.debug('message kept for a retry', { ...where, reason: error.message });
      else logger.error('task record failed; the message stays on its queue', { ...where, error });
      throw error;
    }
  };
}
