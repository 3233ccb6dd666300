import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Task, TaskError } from '../../domain/task.js';
import type { DeadLetters } from '../../ports/dead-letters.js';
import { queueKey } from '../../topology/topology.js';
import { toDeadLetter } from '../dead-letter-body.js';

/** Sends dead letters to the DLQ of the task's pool × priority queue (`dlqUrls` keyed `pool:priority`). */
export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly sqs: SQSClient,
    private readonly dlqUrls: Readonly<Record<string, string>>,
  ) {}

  async send(task: Task, error: TaskError, now: Date): Promise<void> {
    const key = queueKey(task.pool, task.priority);
    const url = this.dlqUrls[key];
    if (url === undefined) throw new Error(`no DLQ for ${key}`);
    // The body keeps the work-queue message's fields, so a redrive can send it back as is.
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: JSON.stringify(toDeadLetter(task, error, now)),
        MessageAttributes: {
          error: { DataType: 'String', StringValue: error.message.slice(0, 1024) || 'error' },
          taskId: { DataType: 'String', StringValue: task.id },
        },
      }),
    );
  }
}
