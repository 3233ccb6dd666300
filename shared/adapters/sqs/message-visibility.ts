import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig } from '../../config.js';

/**
 * Makes a received message visible again after `delaySeconds` (0: at once).
 * The queue is found by name: the event gives its ARN, the config its URL.
 */
export async function releaseMessage(sqs: SQSClient, queueArn: string, receiptHandle: string, delaySeconds: number): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({ QueueUrl: queueUrlForArn(queueArn), ReceiptHandle: receiptHandle, VisibilityTimeout: delaySeconds }),
  );
}

const urlsByName = new Map<string, string>();

export function queueUrlForArn(arn: string): string {
  if (urlsByName.size === 0) {
    for (const url of Object.values(loadConfig().queueUrls)) urlsByName.set(url.slice(url.lastIndexOf('/') + 1), url);
  }
  const name = arn.slice(arn.lastIndexOf(':') + 1);
  const url = urlsByName.get(name);
  if (url === undefined) throw new Error(`no configured queue named ${name} (from ${arn})`);
  return url;
}
