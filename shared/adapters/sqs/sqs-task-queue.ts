import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queueKey } from '../../topology/topology.js';
import type { EnqueueFailure, QueueEntry, TaskMessage, TaskQueue } from '../../ports/task-queue.js';
import { mapWithConcurrency } from '../../concurrency.js';

/** SQS's SendMessageBatch limit. */
const BATCH = 10;

/** Where a failed send is reported (a Powertools logger's `warn` in the functions). */
export type EnqueueWarn = (message: string, details: Record<string, unknown>) => void;

/**
 * The Lambda pools' pool × priority work queues on SQS; `queueUrls` is keyed
 * `pool:priority` (`Config.queueUrls`: no key for an agent pool).
 * A send that fails is reported to the caller (a submit refuses the task with 503;
 * a retry or a due timer stays due for the sweep) and logged here with its cause: an AccessDenied or a throttle
 * must show in CloudWatch, not only as a task that starts a minute late.
 */
export class SqsTaskQueue implements TaskQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrls: Readonly<Record<string, string>>,
    private readonly warn: EnqueueWarn = () => undefined,
  ) {}

  async enqueue(entries: readonly QueueEntry[]): Promise<{ failed: readonly EnqueueFailure[] }> {
    const byQueue = new Map<string, QueueEntry[]>();
    const failed: EnqueueFailure[] = [];
    for (const entry of entries) {
      const url = this.queueUrls[queueKey(entry.pool, entry.priority)];
      if (url === undefined) {
        // Only Lambda pools have work queues (the topology gives agent pools none): an
        // agent-pool task is never sent to SQS, agents lease it from the table.
        const reason = `no work queue for ${queueKey(entry.pool, entry.priority)} (only Lambda pools have one; agents lease from the table)`;
        this.warn('enqueue failed: no such work queue', { taskId: entry.id, tenant: entry.tenant, reason });
        failed.push({ taskId: entry.id, reason });
        continue;
      }
      byQueue.set(url, [...(byQueue.get(url) ?? []), entry]);
    }
    const chunks = [...byQueue].flatMap(([url, list]) =>
      Array.from({ length: Math.ceil(list.length / BATCH) }, (_, i) => ({ url, list: list.slice(i * BATCH, (i + 1) * BATCH) })),
    );
    const results = await mapWithConcurrency(chunks, 8, ({ url, list }) => this.sendBatch(url, list));
    return { failed: [...failed, ...results.flat()] };
  }

  private async sendBatch(url: string, entries: readonly QueueEntry[]): Promise<EnqueueFailure[]> {
    const sentAt = new Date().toISOString();
    try {
      const response = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: entries.map((entry, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify({ taskId: entry.id, tenant: entry.tenant, sentAt, ...(entry.token !== undefined ? { token: entry.token } : {}) } satisfies TaskMessage),
            ...(entry.delaySeconds > 0 ? { DelaySeconds: entry.delaySeconds } : {}),
            MessageAttributes: {
              pool: { DataType: 'String', StringValue: entry.pool },
              priority: { DataType: 'String', StringValue: entry.priority },
            },
          })),
        }),
      );
      const failed = (response.Failed ?? []).map((f) => ({
        taskId: entries[Number(f.Id)]?.id ?? '?',
        reason: `${f.Code ?? 'error'}: ${f.Message ?? ''}`,
      }));
      if (failed.length > 0) this.warn('enqueue failed for some entries; the caller refuses them or the sweep sends them again', { queueUrl: url, failed });
      return failed;
    } catch (error) {
      this.warn('enqueue failed; the caller refuses these tasks or the sweep sends them again', {
        queueUrl: url,
        taskIds: entries.map((e) => e.id),
        tenants: [...new Set(entries.map((e) => e.tenant))],
        error: errorDetails(error),
      });
      return entries.map((entry) => ({ taskId: entry.id, reason: String(error) }));
    }
  }
}

/** Name, message and code of an SDK error, for a log line. */
function errorDetails(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { Code?: unknown; $metadata?: { httpStatusCode?: number } }).Code;
  return { name: error.name, message: error.message, ...(code !== undefined ? { code } : {}) };
}
