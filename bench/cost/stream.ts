/**
 * Reads the table's stream (NEW_AND_OLD_IMAGES) from DynamoDB Local: every
 * shard from TRIM_HORIZON the first time, then after the last sequence number
 * read, so each `drain()` returns only the records written since the previous one.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';

export type StreamRecord = _Record;

export class TableStream {
  private readonly streams: DynamoDBStreamsClient;
  private readonly lastSequence = new Map<string, string>();
  private readonly closedAndRead = new Set<string>();

  private constructor(endpoint: string, region: string, private readonly streamArn: string) {
    this.streams = new DynamoDBStreamsClient({ region, endpoint });
  }

  static async open(endpoint: string, region: string, tableName: string): Promise<TableStream> {
    const dynamodb = new DynamoDBClient({ region, endpoint });
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    dynamodb.destroy();
    if (Table?.LatestStreamArn === undefined) throw new Error(`table ${tableName} has no stream`);
    return new TableStream(endpoint, region, Table.LatestStreamArn);
  }

  async drain(): Promise<StreamRecord[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }));
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);

    const records: StreamRecord[] = [];
    for (const shard of shards) {
      const id = shard.ShardId as string;
      if (this.closedAndRead.has(id)) continue;
      const after = this.lastSequence.get(id);
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: id,
          ...(after === undefined ? { ShardIteratorType: 'TRIM_HORIZON' } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
        }),
      );
      let iterator = ShardIterator;
      while (iterator !== undefined) {
        const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const got = page.Records ?? [];
        records.push(...got);
        const last = got.at(-1)?.dynamodb?.SequenceNumber;
        if (last !== undefined) this.lastSequence.set(id, last);
        iterator = page.NextShardIterator;
        if (iterator === undefined && shard.SequenceNumberRange?.EndingSequenceNumber !== undefined) this.closedAndRead.add(id);
        // An open shard answers an empty page at its end: what was written so far is read.
        if (got.length === 0) break;
      }
    }
    return records;
  }

  stop(): void {
    this.streams.destroy();
  }
}
