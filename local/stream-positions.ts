import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Per shard: the sequence number of the last record handled (or set aside), or `done` once a closed shard is drained. */
export type ShardPositions = Record<string, string>;

export const SHARD_DONE = 'done';

/**
 * Where the local stream poller left each shard, kept across restarts (Lambda keeps
 * this for a deployed mapping). Written after each batch, so a kill -9 replays at
 * most the batch in flight, which the consumer recognises (shared/services/stream-consumer.ts).
 */
export interface StreamPositions {
  /** undefined: this stream was never read (a new mapping starts at its end). */
  load(streamArn: string): ShardPositions | undefined;
  save(streamArn: string, positions: ShardPositions): void;
}

/** Positions in a JSON file `{ <stream ARN>: { <shard id>: <sequence number> | "done" } }`, replaced atomically (write, then rename). */
export function filePositions(path: string): StreamPositions {
  const read = (): Record<string, ShardPositions> => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, ShardPositions>) : {});
  return {
    load: (streamArn) => read()[streamArn],
    save: (streamArn, positions) => {
      const all = read();
      all[streamArn] = positions;
      writeFileSync(`${path}.tmp`, JSON.stringify(all));
      renameSync(`${path}.tmp`, path);
    },
  };
}
