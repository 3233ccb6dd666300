import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue,
  type _Record,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaContext } from './apigw-event.js';
import { runStreamBatch, type SetAsideCondition, type StreamMappingPolicy } from './stream-batch-runner.js';
import { SHARD_DONE, type ShardPositions, type StreamPositions } from './stream-positions.js';

type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  readonly dynamoDbEndpoint: string;
  readonly region: string;
  readonly tableName: string;
  readonly handler: StreamHandler;
  /** Records per invocation, as the stack's event-source mapping. */
  readonly batchSize: number;
  /**
   * How long records gather before a batch short of `batchSize` is invoked, as the
   * deployed mapping's MaximumBatchingWindowInSeconds (STREAM_BATCHING_WINDOW_SECONDS):
   * the cost bench sets it to count per-batch writes as AWS would bill them. 0
   * (the default) invokes each read at once: events and counts show sooner locally.
   */
  readonly batchingWindowMs?: number;
  /** Bisect, retries, record age: the deployed mapping's (STREAM_MAPPING). */
  readonly policy: StreamMappingPolicy;
  /**
   * The on-failure destination: Lambda's record of a batch it gave up on (the
   * `DDBStreamBatchInfo` message it sends to the stack's StreamFailures queue).
   */
  readonly onFailure: (message: StreamFailureMessage) => Promise<void>;
  /** Keep each shard's position across restarts; in memory (a new mapping at every start) when absent. */
  readonly positions?: StreamPositions;
  /** Told of each consumer invocation (records, duration): the events cost bench counts them. */
  readonly onInvocation?: (invocation: StreamInvocation) => void;
}

/** What Lambda sends to a stream mapping's on-failure destination (the records stay in the stream, 24 h). */
export interface StreamFailureMessage {
  readonly requestContext: { readonly condition: SetAsideCondition; readonly approximateInvokeCount: number; readonly functionArn: string };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

export interface RunningStreamPoller {
  /** Records set aside (sent to the on-failure destination) since the start. */
  setAside(): number;
  stop(): Promise<void>;
}

const IDLE_MS = 200;
const DISCOVER_EVERY_MS = 5_000;
const RETRY_MS = 1_000;

interface ShardState {
  iterator: string | undefined;
  readonly parent?: string;
  /** Its iterator was just replaced from the checkpoint after a trimmed read. */
  resumed?: boolean;
  /** Records read and not yet invoked (the batching window), and when the first of them was read. */
  gathered?: { readonly records: _Record[]; readonly since: number };
}

/**
 * Lambda's DynamoDB-stream event-source mapping, in this process: reads DynamoDB
 * Local's stream shard by shard (a child only after its parent is drained), invokes
 * the same consumer handler with a Lambda-shaped event, and runs each batch as the
 * deployed mapping does (stream-batch-runner.ts): partial batch responses, bisect on
 * error, bounded retries, then the record is set aside to `onFailure` and the shard
 * moves on. With `positions`, each shard's position is saved after every batch and
 * a restart resumes there; otherwise (and on a first start) open shards are read
 * from their end, like a new mapping, and shards that appear later from their beginning.
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<RunningStreamPoller> {
  const dynamodb = new DynamoDBClient({ region: options.region, endpoint: options.dynamoDbEndpoint });
  const streams = new DynamoDBStreamsClient({ region: options.region, endpoint: options.dynamoDbEndpoint });
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamodb.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (streamArn === undefined) throw new Error(`table ${options.tableName} has no stream`);

  const shards = new Map<string, ShardState>();
  const saved = options.positions?.load(streamArn);
  const positions: ShardPositions = { ...saved };
  const save = (): void => options.positions?.save(streamArn, positions);
  let setAside = 0;
  const iterator = async (shardId: string, type: ShardIteratorType, sequenceNumber?: string): Promise<string | undefined> =>
    (
      await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type, ...(sequenceNumber !== undefined ? { SequenceNumber: sequenceNumber } : {}) }),
      )
    ).ShardIterator;

  /** A new mapping's start on an open shard: its end, as a sequence number that can be saved. */
  const endOf = async (shardId: string): Promise<string | undefined> => {
    let next = await iterator(shardId, 'TRIM_HORIZON');
    let last: string | undefined;
    while (next !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: next, Limit: 1000 }));
      const records = page.Records ?? [];
      if (records.length === 0) break;
      last = records.at(-1)?.dynamodb?.SequenceNumber ?? last;
      next = page.NextShardIterator;
    }
    return last;
  };

  const discover = async (initial: boolean): Promise<void> => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (id === undefined || shards.has(id) || positions[id] === SHARD_DONE) continue;
      const parent = shard.ParentShardId !== undefined ? { parent: shard.ParentShardId } : {};
      const at = positions[id];
      if (at !== undefined) {
        shards.set(id, { iterator: await iterator(id, 'AFTER_SEQUENCE_NUMBER', at), ...parent });
        continue;
      }
      const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      if (initial && saved === undefined) {
        if (!open) {
          positions[id] = SHARD_DONE; // history from before this mapping existed
          continue;
        }
        if (options.positions === undefined) {
          shards.set(id, { iterator: await iterator(id, 'LATEST'), ...parent });
          continue;
        }
        const end = await endOf(id);
        if (end !== undefined) positions[id] = end;
        shards.set(id, { iterator: await iterator(id, end === undefined ? 'TRIM_HORIZON' : 'AFTER_SEQUENCE_NUMBER', end), ...parent });
        continue;
      }
      // A shard this mapping has not read yet: all of it is new.
      shards.set(id, { iterator: await iterator(id, 'TRIM_HORIZON'), ...parent });
    }
  };
  await discover(true);
  save();

  /**
   * Stopping ends a batch's retries where they are: the batch is neither set aside
   * nor checkpointed, so the next start reads it again, as after a crash. (On
   * Ctrl-C the emulators get the signal too: a batch retried against a DynamoDB
   * Local already gone would fail until set aside, and hold up the stop.)
   */
  let stopped = false;
  const wakeOnStop = new Set<() => void>();
  const unlessStopped = (): void => {
    if (stopped) throw new PollerStopped();
  };
  const retrySleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        wakeOnStop.delete(wake);
        reject(new PollerStopped());
      };
      const timer = setTimeout(() => {
        wakeOnStop.delete(wake);
        resolve();
      }, ms);
      wakeOnStop.add(wake);
      if (stopped) wake();
    });
  const runBatch = (shardId: string, records: readonly _Record[]): Promise<number> =>
    runStreamBatch(
      records,
      {
        // A context per invocation: its remaining time (middy's timeout) starts at each call.
        invoke: (batch) => {
          unlessStopped();
          return invoke(options.handler, batch, streamArn, options.region, lambdaContext('stream-consumer', 60_000), options.onInvocation);
        },
        setAside: async (batch, condition, invocations) => {
          unlessStopped();
          console.error(`stream poller: ${batch.length} record(s) set aside (${condition}) from shard ${shardId}, sequence numbers ${sequenceOf(batch[0])}…${sequenceOf(batch.at(-1))}`);
          await options.onFailure(failureMessage(streamArn, shardId, batch, condition, invocations, lambdaContext('stream-consumer').invokedFunctionArn));
        },
        ageMs: (record) => Date.now() - (record.dynamodb?.ApproximateCreationDateTime?.getTime() ?? Date.now()),
        sleep: retrySleep,
      },
      options.policy,
    );

  /**
   * A shard's next page. An iterator that expired (15 min on AWS) or points at
   * trimmed records (DynamoDB Local also answers so for a table created while
   * another was) is replaced, as Lambda's mapping does: from the checkpoint when
   * there is one, else from the oldest record kept. Undefined: ask again next round.
   */
  const getRecords = async (shardId: string, state: ShardState): Promise<{ Records?: _Record[]; NextShardIterator?: string } | undefined> => {
    try {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: options.batchSize - (state.gathered?.records.length ?? 0) }));
      state.resumed = false;
      return page;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
      const at = positions[shardId];
      // The checkpoint itself trimmed away: on from the oldest record kept, as Lambda does.
      const fromCheckpoint = at !== undefined && at !== SHARD_DONE && !(state.resumed && name === 'TrimmedDataAccessException');
      state.iterator = fromCheckpoint ? await iterator(shardId, 'AFTER_SEQUENCE_NUMBER', at) : await iterator(shardId, 'TRIM_HORIZON');
      state.resumed = fromCheckpoint;
      return undefined;
    }
  };

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
          if (state.iterator === undefined && state.gathered === undefined) {
            shards.delete(id);
            positions[id] = SHARD_DONE;
            save();
            continue;
          }
          if (state.iterator !== undefined) {
            const page = await getRecords(id, state);
            if (page === undefined) continue;
            const read = page.Records ?? [];
            // Read records are held here until invoked: a failure below runs them again, a crash reads them again (no checkpoint yet).
            if (read.length > 0) state.gathered = { records: [...(state.gathered?.records ?? []), ...read], since: state.gathered?.since ?? Date.now() };
            state.iterator = page.NextShardIterator;
          }
          const gathered = state.gathered;
          if (gathered === undefined) continue;
          const full = gathered.records.length >= options.batchSize || state.iterator === undefined;
          if (!full && Date.now() - gathered.since < (options.batchingWindowMs ?? 0)) continue;
          busy = true;
          setAside += await runBatch(id, gathered.records);
          state.gathered = undefined;
          // Checkpoint: the batch is handled or set aside. A crash before this line replays it.
          positions[id] = sequenceOf(gathered.records.at(-1));
          save();
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
    setAside: () => setAside,
    stop: async () => {
      stopped = true;
      for (const wake of [...wakeOnStop]) wake();
      await loop;
      streams.destroy();
    },
  };
}

/** A batch given up because the poller stops (not a failure of its records). */
class PollerStopped extends Error {
  constructor() {
    super('the stream poller is stopping');
  }
}

const sequenceOf = (record: _Record | undefined): string => record?.dynamodb?.SequenceNumber ?? '';

function failureMessage(streamArn: string, shardId: string, records: readonly _Record[], condition: SetAsideCondition, invocations: number, functionArn: string): StreamFailureMessage {
  const arrival = (record: _Record | undefined): string => (record?.dynamodb?.ApproximateCreationDateTime ?? new Date()).toISOString();
  return {
    requestContext: { condition, approximateInvokeCount: invocations, functionArn },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId,
      startSequenceNumber: sequenceOf(records[0]),
      endSequenceNumber: sequenceOf(records.at(-1)),
      approximateArrivalOfFirstRecord: arrival(records[0]),
      approximateArrivalOfLastRecord: arrival(records.at(-1)),
      batchSize: records.length,
      streamArn,
    },
  };
}

/** One consumer invocation as the poller ran it: how many records and how long the handler took. */
export interface StreamInvocation {
  readonly records: number;
  readonly ms: number;
}

/** One invocation; returns the index of the first record to read again, if any (0 when the handler threw). */
async function invoke(
  handler: StreamHandler,
  records: readonly _Record[],
  arn: string,
  region: string,
  context: Context,
  onInvocation: ((invocation: StreamInvocation) => void) | undefined,
): Promise<number | undefined> {
  const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, arn, region)) };
  const started = performance.now();
  try {
    const response = await handler(event, context);
    const failures = response?.batchItemFailures ?? [];
    if (failures.length === 0) return undefined;
    // As Lambda: the lowest sequence number named; an unknown one fails the whole batch.
    const named = new Set(failures.map((f) => f.itemIdentifier));
    const index = records.findIndex((r) => named.has(sequenceOf(r)));
    return index === -1 ? 0 : index;
  } catch (error) {
    console.error(`stream consumer failed; its batch is retried: ${(error as Error).message}`);
    return 0;
  } finally {
    onInvocation?.({ records: records.length, ms: performance.now() - started });
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
      ...(d.NewImage !== undefined ? { NewImage: withEmptyMaps(d.NewImage) as never } : {}),
      ...(d.OldImage !== undefined ? { OldImage: withEmptyMaps(d.OldImage) as never } : {}),
      ...(d.ApproximateCreationDateTime !== undefined ? { ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...(d.SequenceNumber !== undefined ? { SequenceNumber: d.SequenceNumber } : {}),
      ...(d.SizeBytes !== undefined ? { SizeBytes: d.SizeBytes } : {}),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/**
 * DynamoDB Local's stream renders an empty map attribute as `{}` (AWS's stream, like
 * GetItem, gives `{ "M": {} }`), an attribute value no decoder reads: "No value
 * defined: {}" failed every batch holding such a record. Restored here, so the
 * handler gets the event Lambda would give it.
 */
export function withEmptyMaps(image: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repairValue(value)]));
}

function repairValue(value: AttributeValue): AttributeValue {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M !== undefined) return { M: withEmptyMaps(value.M) };
  if (value.L !== undefined) return { L: value.L.map(repairValue) };
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
