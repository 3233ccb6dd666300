import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { consumeStream, type StreamRecord } from '../shared/services/stream-consumer.js';
import type { AppServices } from '../shared/composition.js';
import { logger } from '../shared/logger.js';
import { servicesFromEnvironment } from './environment-services.js';

type Image = Record<string, AttributeValue>;

/** One record → its change, or undefined when its images cannot be decoded. */
function decode(decodeStreamRecord: AppServices['decodeStreamRecord'], record: DynamoDBRecord): StreamRecord | undefined {
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  try {
    return { sequenceNumber, eventId: record.eventID ?? '', change: decodeStreamRecord(record.dynamodb?.OldImage as Image | undefined, record.dynamodb?.NewImage as Image | undefined) };
  } catch (error) {
    logger.error('stream record not decodable; the mapping retries it, then sets it aside to the StreamFailures queue', { sequenceNumber, keys: record.dynamodb?.Keys, error: error as Error });
    return undefined;
  }
}

/** The first record of a batch cannot be decoded: a function error, so the mapping bisects down to it and sets it aside alone. */
export class UndecodableRecordError extends Error {
  constructor(readonly sequenceNumber: string) {
    super(`stream record ${sequenceNumber} cannot be decoded`);
    this.name = 'UndecodableRecordError';
  }
}

/**
 * The table's stream → events (SNS), webhook deliveries, the tenants' event logs and
 * metrics. Partial batch response: the stream resumes at the first record whose
 * events did not all go out, or that cannot be decoded (a poison record: retried a
 * bounded number of times, then set aside by the event-source mapping, never skipped
 * unnoticed). The same batch delivered again (Lambda is at-least-once) is recognised
 * by consumeStream, so events and counts come out once.
 */
export const makeHandler = (services: () => AppServices) =>
  middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().use(injectLambdaContext(logger)).handler(async (event) => {
  const decoded = event.Records.map((record) => decode(services().decodeStreamRecord, record));
  const poison = decoded.indexOf(undefined);
  const records = (poison === -1 ? decoded : decoded.slice(0, poison)) as StreamRecord[];
  if (poison === 0) throw new UndecodableRecordError(event.Records[0]?.dynamodb?.SequenceNumber ?? '');
  for (const { change } of records) {
    if (change.kind === 'task' && change.new !== undefined) {
      const t = change.new;
      logger.debug('task change', { taskId: t.id, tenant: t.tenant, pool: t.pool, attempt: t.attempts, status: t.status, from: change.old?.status });
    }
  }
  const { retryFrom } = await consumeStream(services().streamConsumerDeps(), records);
  const failedAt = retryFrom ?? (poison === -1 ? undefined : event.Records[poison]?.dynamodb?.SequenceNumber);
  return { batchItemFailures: failedAt === undefined ? [] : [{ itemIdentifier: failedAt }] };
});

export const handler = makeHandler(servicesFromEnvironment());
