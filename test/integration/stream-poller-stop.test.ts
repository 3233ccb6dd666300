import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTable } from '../../local/provision.js';
import { startStreamPoller, type RunningStreamPoller } from '../../local/stream-poller.js';
import { TABLE } from '../../shared/topology/table.js';
import { testEndpoints } from '../helpers/endpoints.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Ctrl-C on `npm start` signals the emulators too: DynamoDB Local may be gone
 * while a batch is being retried. Stopping must end those retries where they are —
 * the batch neither set aside (its records are fine) nor checkpointed (the next
 * start reads it again, as after a crash) — instead of retrying until set aside.
 */
describe('the local stream poller, stopped while a batch is being retried', () => {
  const { dynamodb: endpoint } = testEndpoints();
  // As the local runtime does: any credentials sign for the emulators (the poller's clients read them from the environment).
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint });
  const tableName = `poller-stop-${randomUUID().slice(0, 8)}`;
  let poller: RunningStreamPoller | undefined;
  const failures: unknown[] = [];
  let invocations = 0;

  beforeAll(async () => provisionTable(client, tableName));
  afterAll(async () => {
    await poller?.stop();
    client.destroy();
  });

  it('gives the batch up at once: nothing set aside, the retries (minutes apart) not waited for', async () => {
    poller = await startStreamPoller({
      dynamoDbEndpoint: endpoint,
      region: 'us-east-1',
      tableName,
      // A consumer that fails every time, as one would against a DynamoDB Local already stopped.
      handler: async () => {
        invocations++;
        throw new Error('connect ECONNREFUSED');
      },
      batchSize: 10,
      // Retries ten minutes apart: a stop that waited for them would outlast the test's limit.
      policy: { bisectOnError: true, retryAttempts: 5, maxRecordAgeMs: 3_600_000, retryDelayMs: () => 600_000 },
      onFailure: async (message) => {
        failures.push(message);
      },
    });
    await client.send(new PutItemCommand({ TableName: tableName, Item: { [TABLE.partitionKey]: { S: 'T#acme#x' }, [TABLE.sortKey]: { S: 'task' } } }));
    await waitFor(async () => invocations, (n) => n >= 1, 60_000, 100);

    await poller.stop();
    poller = undefined;
    expect(failures).toEqual([]);
    expect(invocations).toBe(1);
  });
});
