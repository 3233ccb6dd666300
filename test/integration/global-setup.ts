import type { TestProject } from 'vitest/node';
import { startDynamoDbEmulator } from '../../local/emulators/dynamodb-emulator.js';
import { startSqsEmulator } from '../../local/emulators/sqs-emulator.js';
import { freePort } from '../../local/free-port.js';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: { sqs: string; dynamodb: string };
  }
}

/**
 * One fauxqs and one DynamoDB Local for the whole run, on free ports; each test
 * file provisions its own prefixed table and queues in them. With
 * AWS_ENDPOINT_URL set, LocalStack (or AWS) is used instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.AWS_ENDPOINT_URL;
  if (external) {
    project.provide('endpoints', { sqs: external, dynamodb: external });
    return async () => undefined;
  }
  const [sqs, dynamodb] = await Promise.all([
    startSqsEmulator(0, 'us-east-1'),
    freePort().then((port) => startDynamoDbEmulator({ port })),
  ]);
  project.provide('endpoints', { sqs: sqs.endpoint, dynamodb: dynamodb.endpoint });
  return async () => {
    await Promise.all([sqs.stop(), dynamodb.stop()]);
  };
}
