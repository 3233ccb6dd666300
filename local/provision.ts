import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TABLE } from '../shared/topology/table.js';
import { queueUrlPrefixOf, queueUrls as derived, type Topology } from '../shared/topology/topology.js';

export interface ProvisionedQueues {
  /** What every queue URL starts with: the functions' QUEUE_URL_PREFIX. */
  readonly queueUrlPrefix: string;
  /** `pool:priority` → work queue URL (Lambda pools only), as the functions derive them from the prefix. */
  readonly queueUrls: Record<string, string>;
  /** `pool:priority` → DLQ URL, every pool. */
  readonly dlqUrls: Record<string, string>;
  /** `pool:priority` → work queue ARN (Lambda pools only), for the event-source mappings. */
  readonly queueArns: Record<string, string>;
}

/**
 * The stack's queues, made from the same topology the CDK stack reads: a DLQ per
 * pool × priority, and a Lambda pool's work queue with its redrive policy (an agent
 * pool has none). Repeatable: CreateQueue with the same attributes returns the
 * existing queue.
 */
export async function provisionQueues(sqs: SQSClient, topology: Topology, prefix: string): Promise<ProvisionedQueues> {
  const queueUrls: Record<string, string> = {};
  const dlqUrls: Record<string, string> = {};
  const queueArns: Record<string, string> = {};
  await Promise.all(
    topology.queues.map(async (spec) => {
      const dlq = await sqs.send(
        new CreateQueueCommand({ QueueName: `${prefix}${spec.dlqName}`, Attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) } }),
      );
      const dlqUrl = required(dlq.QueueUrl, spec.dlqName);
      dlqUrls[spec.key] = dlqUrl;
      const { work } = spec;
      if (work === undefined) return;
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
      const queue = await sqs.send(
        new CreateQueueCommand({
          QueueName: `${prefix}${work.name}`,
          Attributes: {
            VisibilityTimeout: String(work.visibilityTimeoutSeconds),
            MessageRetentionPeriod: String(14 * 24 * 3600),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: required(Attributes?.QueueArn, `${spec.dlqName} ARN`),
              maxReceiveCount: work.maxReceiveCount,
            }),
          },
        }),
      );
      queueUrls[spec.key] = required(queue.QueueUrl, work.name);
      const arn = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrls[spec.key], AttributeNames: ['QueueArn'] }));
      queueArns[spec.key] = required(arn.Attributes?.QueueArn, `${work.name} ARN`);
    }),
  );
  // The functions derive every URL from one prefix (Lambda's 4 KB environment limit): check the emulator agrees.
  // Every pool × priority has a DLQ, so a topology of agent pools only still yields the prefix.
  const [first] = topology.queues;
  const queueUrlPrefix = first === undefined ? '' : queueUrlPrefixOf(required(dlqUrls[first.key], first.dlqName), first.dlqName);
  const expected = derived(queueUrlPrefix, topology.queues);
  const check = (kind: string, want: Record<string, string>, have: Record<string, string>): void => {
    for (const [key, url] of Object.entries(want)) {
      if (url !== have[key]) throw new Error(`${kind} ${key} is at ${have[key]}, not ${url} as its name implies`);
    }
  };
  check('queue', expected.queueUrls, queueUrls);
  check('DLQ', expected.dlqUrls, dlqUrls);
  return { queueUrlPrefix, queueUrls, dlqUrls, queueArns };
}

/** The task table as the CDK stack declares it (keys, GSIs, TTL). Repeatable. */
export async function provisionTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  const indexes = Object.values(TABLE.indexes);
  const attributeNames = new Set<string>([TABLE.partitionKey, TABLE.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  const globalSecondaryIndexes: GlobalSecondaryIndex[] = indexes.map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
  }));
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributeNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: globalSecondaryIndexes,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  await waitForActive(dynamodb, tableName);
  await dynamodb.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } }),
  );
}

async function waitForActive(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`provisioning ${what} returned nothing`);
  return value;
}

/** The values bucket (large payloads and results), in fauxqs's S3. Repeatable. */
export async function provisionValuesBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}
