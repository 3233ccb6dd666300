import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaContext } from './apigw-event.js';

type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  readonly dynamoDbEndpoint: string;
  readonly region: string;
  readonly tableName: string;
  readonly handler: StreamHandler;
  /** Records per invocation, as the stack's event-source mapping. */
  readonly batchSize: number;
}

const IDLE_MS = 200;
const DISCOVER_EVERY_MS = 5_000;
const RETRY_MS = 1_000;

interface ShardState {
  iterator: string | undefined;
  readonly parent?: string;
}

/**
 * Lambda's DynamoDB-stream event-source mapping, in this process: reads DynamoDB
 * Local's stream shard by shard (a child only after its parent is drained), invokes
 * the same consumer handler with a Lambda-shaped event, and on a partial batch
 * failure (or a throw) reads again from the record it names. Shards open when the
 * poller starts are read from LATEST, like a new mapping; shards that appear later
 * from their beginning.
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<{ stop(): Promise<void> }> {
  const dynamodb = new DynamoDBClient({ region: options.region, endpoint: options.dynamoDbEndpoint });
  const streams = new DynamoDBStreamsClient({ region: options.region, endpoint: options.dynamoDbEndpoint });
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamodb.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (streamArn === undefined) throw new Error(`table ${options.tableName} has no stream`);

  const shards = new Map<string, ShardState>();
  const done = new Set<string>();
  const iterator = async (shardId: string, type: ShardIteratorType, sequenceNumber?: string): Promise<string | undefined> =>
    (
      await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type, ...(sequenceNumber !== undefined ? { SequenceNumber: sequenceNumber } : {}) }),
      )
    ).ShardIterator;

  const discover = async (initial: boolean): Promise<void> => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (id === undefined || shards.has(id) || done.has(id)) continue;
      const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      if (initial && !open) {
        done.add(id); // history from before this runtime started
        continue;
      }
      shards.set(id, { iterator: await iterator(id, initial ? 'LATEST' : 'TRIM_HORIZON'), ...(shard.ParentShardId !== undefined ? { parent: shard.ParentShardId } : {}) });
    }
  };
  await discover(true);

  let stopped = false;
  const loop = (async () => {
    let lastDiscovery = Date.now();
    while (!stopped) {
      let busy = false;
      try {
        if (Date.now() - lastDiscovery > DISCOVER_EVERY_MS) {
          await discover(false);
          lastDiscovery = Date.now();
        }
        for (const [id, state] of shards) {
          if (stopped) break;
          if (state.parent !== undefined && shards.has(state.parent)) continue; // parent first
          if (state.iterator === undefined) {
            shards.delete(id);
            done.add(id);
            continue;
          }
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: options.batchSize }));
          const records = page.Records ?? [];
          if (records.length === 0) {
            state.iterator = page.NextShardIterator;
            continue;
          }
          busy = true;
          const retryFrom = await invoke(options.handler, records, streamArn, options.region, lambdaContext('stream-consumer', 60_000));
          state.iterator = retryFrom === undefined ? page.NextShardIterator : await iterator(id, 'AT_SEQUENCE_NUMBER', retryFrom);
          if (retryFrom !== undefined) await sleep(RETRY_MS);
        }
      } catch (error) {
        if (stopped) break;
        console.error('stream poller: read failed', error);
        await sleep(RETRY_MS);
      }
      if (!busy) await sleep(IDLE_MS);
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
      streams.destroy();
    },
  };
}

/** One consumer invocation as the poller ran it: how many records and how long the handler took. */
export interface StreamInvocation {
  readonly records: number;
  readonly ms: number;
}

const invocationObservers = new Set<(invocation: StreamInvocation) => void>();

/** The events cost bench (bench/events-cost.ts) counts invocations and their duration; returns the unsubscribe. */
export function observeStreamInvocations(observer: (invocation: StreamInvocation) => void): () => void {
  invocationObservers.add(observer);
  return () => invocationObservers.delete(observer);
}

/** One invocation; returns the sequence number to read again from, if any. */
async function invoke(handler: StreamHandler, records: readonly _Record[], arn: string, region: string, context: Context): Promise<string | undefined> {
  const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, arn, region)) };
  const started = performance.now();
  try {
    const response = await handler(event, context);
    return response?.batchItemFailures?.[0]?.itemIdentifier;
  } catch (error) {
    console.error('stream consumer failed; its batch is read again', error);
    return records[0]?.dynamodb?.SequenceNumber;
  } finally {
    const invocation = { records: records.length, ms: performance.now() - started };
    for (const observe of invocationObservers) observe(invocation);
  }
}

function toLambdaRecord(record: _Record, arn: string, region: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    ...(record.eventID !== undefined ? { eventID: record.eventID } : {}),
    ...(record.eventName !== undefined ? { eventName: record.eventName } : {}),
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: arn,
    dynamodb: {
      ...(d.Keys !== undefined ? { Keys: d.Keys as never } : {}),
      ...(d.NewImage !== undefined ? { NewImage: d.NewImage as never } : {}),
      ...(d.OldImage !== undefined ? { OldImage: d.OldImage as never } : {}),
      ...(d.SequenceNumber !== undefined ? { SequenceNumber: d.SequenceNumber } : {}),
      ...(d.SizeBytes !== undefined ? { SizeBytes: d.SizeBytes } : {}),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
