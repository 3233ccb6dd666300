import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queueKey } from '../../topology/topology.js';
import type { EnqueueFailure, QueueEntry, TaskMessage, TaskQueue } from '../../ports/task-queue.js';
import { mapWithConcurrency } from '../../services/concurrency.js';

/** SQS's SendMessageBatch limit. */
const BATCH = 10;

/** The pool × priority work queues on SQS; `queueUrls` is keyed `pool:priority`. */
export class SqsTaskQueue implements TaskQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrls: Readonly<Record<string, string>>,
  ) {}

  async enqueue(entries: readonly QueueEntry[]): Promise<{ failed: readonly EnqueueFailure[] }> {
    const byQueue = new Map<string, QueueEntry[]>();
    const failed: EnqueueFailure[] = [];
    for (const entry of entries) {
      const url = this.queueUrls[queueKey(entry.pool, entry.priority)];
      if (url === undefined) {
        failed.push({ taskId: entry.id, reason: `no queue for ${queueKey(entry.pool, entry.priority)}` });
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
            MessageBody: JSON.stringify({ taskId: entry.id, tenant: entry.tenant, sentAt } satisfies TaskMessage),
            ...(entry.delaySeconds > 0 ? { DelaySeconds: entry.delaySeconds } : {}),
            MessageAttributes: {
              pool: { DataType: 'String', StringValue: entry.pool },
              priority: { DataType: 'String', StringValue: entry.priority },
            },
          })),
        }),
      );
      return (response.Failed ?? []).map((f) => ({
        taskId: entries[Number(f.Id)]?.id ?? '?',
        reason: `${f.Code ?? 'error'}: ${f.Message ?? ''}`,
      }));
    } catch (error) {
      return entries.map((entry) => ({ taskId: entry.id, reason: String(error) }));
    }
  }
}
