import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Task, TaskError } from '../../domain/task.js';
import type { DeadLetterReader, DeadLetters, ReceivedLetter } from '../../ports/dead-letters.js';
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

/** Reads and removes letters on the DLQs (`dlqUrls` keyed `pool:priority`). */
export class SqsDeadLetterReader implements DeadLetterReader {
  constructor(
    private readonly sqs: SQSClient,
    private readonly dlqUrls: Readonly<Record<string, string>>,
  ) {}

  async receive(queueKey: string, max: number, visibilitySeconds: number): Promise<ReceivedLetter[]> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.url(queueKey), MaxNumberOfMessages: Math.max(1, Math.min(10, max)), VisibilityTimeout: visibilitySeconds }),
    );
    return (Messages ?? []).flatMap((m) => {
      try {
        const letter = JSON.parse(m.Body ?? '') as ReceivedLetter['letter'];
        if (typeof letter.taskId !== 'string') return [];
        return [{ queueKey, receipt: m.ReceiptHandle ?? '', messageId: m.MessageId ?? '', letter }];
      } catch {
        return [];
      }
    });
  }

  async release(queueKey: string, receipt: string): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.url(queueKey), ReceiptHandle: receipt, VisibilityTimeout: 0 }));
  }

  async delete(queueKey: string, receipt: string): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.url(queueKey), ReceiptHandle: receipt }));
  }

  private url(queueKey: string): string {
    const url = this.dlqUrls[queueKey];
    if (url === undefined) throw new Error(`no DLQ for ${queueKey}`);
    return url;
  }
}
