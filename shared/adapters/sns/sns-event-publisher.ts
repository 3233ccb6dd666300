import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { TaskfleetEvent } from '../../domain/events.js';
import type { EventPublisher } from '../../ports/events.js';

/** SNS's PublishBatch limit; a batch of small events is billed as one request per 64 KiB. */
const BATCH = 10;

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
    const failed: number[] = [];
    for (let start = 0; start < events.length; start += BATCH) {
      const chunk = events.slice(start, start + BATCH);
      try {
        const response = await this.sns.send(
          new PublishBatchCommand({
            TopicArn: this.topicArn,
            PublishBatchRequestEntries: chunk.map((event, i) => ({
              Id: String(i),
              Message: JSON.stringify(event),
              MessageAttributes: {
                tenant: { DataType: 'String', StringValue: event.tenant },
                type: { DataType: 'String', StringValue: event.type },
              },
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
}
