import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage, DeliveryQueue } from '../../ports/events.js';
import { sendInBatches } from '../send-in-batches.js';

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
    return sendInBatches(messages, (batch) =>
      this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, i) => ({
            Id: String(i),
            MessageBody: JSON.stringify(message),
            ...(delaySeconds > 0 ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)) } : {}),
          })),
        }),
      ),
    );
  }

  async deadLetter(message: DeliveryMessage, reason: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.deadLetterUrl, MessageBody: JSON.stringify({ ...message, reason }) }));
  }
}
