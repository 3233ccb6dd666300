import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AgentQueue, ReceivedTask } from '../../ports/agent-queue.js';
import type { TaskMessage } from '../../ports/task-queue.js';

export class SqsAgentQueue implements AgentQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrls: Readonly<Record<string, string>>,
  ) {}

  async receive(queueKey: string, max: number, waitSeconds: number, visibilitySeconds: number): Promise<ReceivedTask[]> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.url(queueKey),
        MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: visibilitySeconds,
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    return (Messages ?? []).flatMap((message) => {
      try {
        const body = JSON.parse(message.Body ?? '') as TaskMessage;
        const sent = Number(message.Attributes?.SentTimestamp ?? Date.now());
        return [{ taskId: body.taskId, tenant: body.tenant, receipt: message.ReceiptHandle ?? '', sentAt: new Date(sent).toISOString() }];
      } catch {
        // Not a task message: leave it to SQS's redrive, as a crashing Lambda would.
        return [];
      }
    });
  }

  async setVisibility(queueKey: string, receipt: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.url(queueKey), ReceiptHandle: receipt, VisibilityTimeout: seconds }));
  }

  async delete(queueKey: string, receipt: string): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.url(queueKey), ReceiptHandle: receipt }));
  }

  private url(queueKey: string): string {
    const url = this.queueUrls[queueKey];
    if (url === undefined) throw new Error(`no queue ${queueKey}`);
    return url;
  }
}
