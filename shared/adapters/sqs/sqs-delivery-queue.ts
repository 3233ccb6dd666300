import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage, DeliveryQueue } from '../../ports/events.js';

const BATCH = 10;
/** SQS's longest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

/** The webhook delivery queue and its DLQ on SQS. */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterUrl: string,
  ) {}

  async send(messages: readonly DeliveryMessage[], delaySeconds = 0): Promise<readonly number[]> {
    const failed: number[] = [];
    for (let start = 0; start < messages.length; start += BATCH) {
      const chunk = messages.slice(start, start + BATCH);
      try {
        const response = await this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: chunk.map((message, i) => ({
              Id: String(i),
              MessageBody: JSON.stringify(message),
              ...(delaySeconds > 0 ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)) } : {}),
            })),
          }),
        );
        for (const f of response.Failed ?? []) failed.push(start + Number(f.Id));
      } catch {
        failed.push(...chunk.map((_, i) => start + i));
      }
    }
    return failed;
  }

  async deadLetter(message: DeliveryMessage, reason: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.deadLetterUrl, MessageBody: JSON.stringify({ ...message, reason }) }));
  }
}
