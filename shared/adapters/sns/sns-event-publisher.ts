import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { TaskfleetEvent } from '../../domain/events.js';
import type { EventPublisher } from '../../ports/events.js';
import { sendInBatches } from '../send-in-batches.js';

// Ten events per PublishBatch: a batch of small events is billed as one request per 64 KiB.

/**
 * Publishes events to the events topic. Each carries `tenant` and `type` as
 * message attributes, so a subscriber (an operator's queue, a tenant's own
 * pipeline) can filter with an SNS filter policy instead of receiving everything.
 */
export class SnsEventPublisher implements EventPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(events: readonly TaskfleetEvent[]): Promise<readonly number[]> {
    return sendInBatches(events, (batch) =>
      this.sns.send(
        new PublishBatchCommand({
          TopicArn: this.topicArn,
          PublishBatchRequestEntries: batch.map((event, i) => ({
            Id: String(i),
            Message: JSON.stringify(event),
            MessageAttributes: {
              tenant: { DataType: 'String', StringValue: event.tenant },
              type: { DataType: 'String', StringValue: event.type },
            },
          })),
        }),
      ),
    );
  }
}
