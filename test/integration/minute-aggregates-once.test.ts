import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbMinuteAggregates } from '../../shared/adapters/dynamodb/dynamodb-minute-aggregates.js';
import { DynamoDbStreamBatches } from '../../shared/adapters/dynamodb/dynamodb-stream-batches.js';
import { DynamoDbTaskCounters } from '../../shared/adapters/dynamodb/dynamodb-task-counters.js';
import { EMPTY_MINUTE, minuteOf, type MinuteDeltas } from '../../shared/domain/minute-aggregates.js';
import { useTestStack } from '../helpers/local-stack.js';

const local = useTestStack({ events: false });

/** The stack's client, but every write of a minute item fails while `failing` says so (a crash between the counts and the minutes). */
function flakyMinutes(db: DynamoDBDocumentClient, failing: () => boolean): DynamoDBDocumentClient {
  return {
    send: (command: { input?: { Key?: Record<string, unknown> } }) => {
      if (failing() && String(command.input?.Key?.pk ?? '').endsWith('#minutes')) return Promise.reject(new Error('the consumer stopped here'));
      return db.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

describe('a counted stream batch writes its per-minute aggregates once', () => {
  const setup = () => {
    const tenant = `once-${randomUUID().slice(0, 8)}`;
    const { db } = local.stack.services;
    let failing = false;
    const batches = new DynamoDbStreamBatches(flakyMinutes(db, () => failing), local.stack.tableName);
    const aggregates = new DynamoDbMinuteAggregates(db, local.stack.tableName);
    const counters = new DynamoDbTaskCounters(db, local.stack.tableName);
    const minutes: MinuteDeltas = new Map([[tenant, new Map([[minuteOf(new Date()), { ...EMPTY_MINUTE, completed: 2, waiting: { normal: 3 } }]])]]);
    const read = async () => {
      const series = await aggregates.read(tenant, new Date(Date.now() - 3_600_000));
      return { completed: series.minutes.reduce((n, m) => n + m.completed, 0), waiting: series.waiting.normal, counted: (await counters.read(tenant)).COMPLETED };
    };
    return { tenant, batches, minutes, read, fail: (on: boolean) => void (failing = on) };
  };

  it('counts them once when the batch comes again after a clean count', async () => {
    const { tenant, batches, minutes, read } = setup();
    const batchId = randomUUID();
    await batches.open(batchId, new Date());
    expect(await batches.count(batchId, new Map([[tenant, { COMPLETED: 2 }]]), undefined, '100', undefined, minutes)).toBe(true);
    // Delivered again: open writes the mark's minutes again, under the same token, and every item refuses them.
    await batches.open(batchId, new Date());
    expect(await batches.count(batchId, new Map([[tenant, { COMPLETED: 2 }]]), undefined, '100', undefined, minutes)).toBe(false);
    expect(await read()).toEqual({ completed: 2, waiting: 3, counted: 2 });
  });

  it('writes them on the next delivery when the consumer stopped between the counts and the minutes, and only once', async () => {
    const { tenant, batches, minutes, read, fail } = setup();
    const batchId = randomUUID();
    await batches.open(batchId, new Date());
    fail(true);
    await expect(batches.count(batchId, new Map([[tenant, { COMPLETED: 2 }]]), undefined, '100', undefined, minutes)).rejects.toThrow('the consumer stopped here');
    // The counts and the depth (in the counter items) are in; the minute is not.
    expect(await read()).toEqual({ completed: 0, waiting: 3, counted: 2 });
    fail(false);
    await batches.open(batchId, new Date());
    expect(await read()).toEqual({ completed: 2, waiting: 3, counted: 2 });
    await batches.open(batchId, new Date());
    expect(await read()).toEqual({ completed: 2, waiting: 3, counted: 2 });
  });
});
