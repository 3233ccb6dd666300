import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDepth, QueueStats } from '../../ports/queue-stats.js';
import type { QueueSpec } from '../../topology/topology.js';

/** Approximate counts from GetQueueAttributes (what SQS itself reports). */
export class SqsQueueStats implements QueueStats {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queues: readonly QueueSpec[],
    private readonly queueUrls: Readonly<Record<string, string>>,
    private readonly dlqUrls: Readonly<Record<string, string>>,
  ) {}

  async depths(): Promise<readonly QueueDepth[]> {
    return Promise.all(
      this.queues.map(async (spec) => {
        // An agent pool × priority has no work queue (no URL): its work counts are 0, its DLQ is real.
        const [work, dlq] = await Promise.all([this.attributes(this.queueUrls[spec.key]), this.attributes(this.dlqUrls[spec.key])]);
        return {
          pool: spec.pool,
          priority: spec.priority,
          visible: Number(work.ApproximateNumberOfMessages ?? 0),
          inFlight: Number(work.ApproximateNumberOfMessagesNotVisible ?? 0),
          delayed: Number(work.ApproximateNumberOfMessagesDelayed ?? 0),
          // Everything in the DLQ, including letters someone is reading right now.
          deadLetters: Number(dlq.ApproximateNumberOfMessages ?? 0) + Number(dlq.ApproximateNumberOfMessagesNotVisible ?? 0),
        };
      }),
    );
  }

  private async attributes(url: string | undefined): Promise<Record<string, string>> {
    if (url === undefined) return {};
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return Attributes ?? {};
  }
}
