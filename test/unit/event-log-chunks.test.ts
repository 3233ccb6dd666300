import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chunkBySize, DynamoDbEventLog, MAX_ITEM_EVENTS_BYTES } from '../../shared/adapters/dynamodb/dynamodb-event-log.js';
import type { TaskfleetEvent } from '../../shared/domain/events.js';

/** A result of random base64: what gzip cannot shrink much. */
const noise = (bytes: number): string => randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64').slice(0, bytes);
const event = (n: number, resultBytes: number): TaskfleetEvent =>
  ({ id: `task:acme#${n}:3:task.completed`, type: 'task.completed', tenant: 'acme', at: '2026-01-01T00:00:00.000Z', task: { id: `t${n}`, result: noise(resultBytes) } }) as unknown as TaskfleetEvent;

describe('the event log’s items', () => {
  it('keep a batch’s events in order, in chunks within the size bound', () => {
    const events = Array.from({ length: 10 }, (_, n) => event(n, 100));
    const chunks = chunkBySize(events, 800);
    expect(chunks.flatMap((c) => c.events)).toEqual(events);
    for (const c of chunks) expect(Buffer.byteLength(c.json)).toBeLessThanOrEqual(800);
    expect(chunkBySize(events, 1_000_000)).toHaveLength(1);
  });

  it('split a full stream batch of 4 KiB results that do not compress into items under DynamoDB’s 400 KB', async () => {
    const puts: Record<string, unknown>[] = [];
    const db = { send: async (command: { input: { Item: Record<string, unknown> } }) => void puts.push(command.input.Item) } as unknown as DynamoDBDocumentClient;
    const events = Array.from({ length: 100 }, (_, n) => event(n, 4096));
    await new DynamoDbEventLog(db, 'table').append('acme', events, new Date('2026-01-01T00:00:00.000Z'));
    expect(puts.length).toBeGreaterThan(1);
    const json = (item: Record<string, unknown>): string => gunzipSync(item.eventsGz as Uint8Array).toString('utf8');
    for (const item of puts) {
      expect(Buffer.byteLength(json(item))).toBeLessThanOrEqual(MAX_ITEM_EVENTS_BYTES);
      expect((item.eventsGz as Uint8Array).byteLength).toBeLessThan(400 * 1024 - 1024);
    }
    expect(new Set(puts.map((i) => i.sk)).size).toBe(puts.length);
    expect(puts.flatMap((i) => JSON.parse(json(i)) as TaskfleetEvent[]).map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
  });
});
