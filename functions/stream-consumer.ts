import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { decodeStreamRecord } from '../shared/adapters/dynamodb/stream-records.js';
import { consumeStream, type StreamRecord } from '../shared/services/stream-consumer.js';
import { logger, streamConsumerDeps } from '../shared/wiring.js';

type Image = Record<string, AttributeValue>;

/** One record → its change; an undecodable record is logged and skipped, never retried forever. */
function decode(record: DynamoDBRecord): StreamRecord {
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  try {
    return { sequenceNumber, change: decodeStreamRecord(record.dynamodb?.OldImage as Image | undefined, record.dynamodb?.NewImage as Image | undefined) };
  } catch (error) {
    logger.error('stream record not decodable; skipped', { sequenceNumber, keys: record.dynamodb?.Keys, error: error as Error });
    return { sequenceNumber, change: { kind: 'other' } };
  }
}

/**
 * The table's stream → events (SNS), webhook deliveries, the tenants' event logs and
 * metrics. Partial batch response: the stream resumes at the first record whose
 * events did not all go out.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().use(injectLambdaContext(logger)).handler(async (event) => {
  const records = event.Records.map(decode);
  for (const { change } of records) {
    if (change.kind === 'task' && change.new !== undefined) {
      const t = change.new;
      logger.debug('task change', { taskId: t.id, tenant: t.tenant, pool: t.pool, attempt: t.attempts, status: t.status, from: change.old?.status });
    }
  }
  const { retryFrom } = await consumeStream(streamConsumerDeps(), records);
  return { batchItemFailures: retryFrom === undefined ? [] : [{ itemIdentifier: retryFrom }] };
});
