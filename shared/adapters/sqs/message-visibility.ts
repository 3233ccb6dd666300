import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Makes a received message visible again after `delaySeconds` (0: at once).
 * The event gives the queue's ARN; its URL is the configured prefix's base plus the name.
 */
export async function releaseMessage(sqs: SQSClient, queueUrlPrefix: string, queueArn: string, receiptHandle: string, delaySeconds: number): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({ QueueUrl: queueUrlForArn(queueArn, queueUrlPrefix), ReceiptHandle: receiptHandle, VisibilityTimeout: delaySeconds }),
  );
}

/** `arn:aws:sqs:<region>:<account>:<name>` → `<account URL>/<name>`, without a GetQueueUrl call. */
export function queueUrlForArn(arn: string, prefix: string): string {
  return `${prefix.slice(0, prefix.lastIndexOf('/') + 1)}${arn.slice(arn.lastIndexOf(':') + 1)}`;
}
