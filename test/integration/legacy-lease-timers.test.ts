import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { dueShardKey, toTaskItem } from '../../shared/adapters/dynamodb/task-item.js';
import { shardOf } from '../../shared/domain/dispatch.js';
import { newTask, type Task } from '../../shared/domain/task.js';
import { sweepDue } from '../../shared/services/sweep.js';
import { TABLE } from '../../shared/topology/table.js';
import { useTestStack } from '../helpers/local-stack.js';

const local = useTestStack();

/** A task as a stack from before this change stored an agent's attempt: ACTIVE, with a `lease` timer in the `due` index. */
async function legacyActive(id: string, leaseExpiresAt: Date, status: Task['status'] = 'ACTIVE'): Promise<void> {
  const { stack } = local;
  const at = new Date(Date.now() - 60_000);
  const base = newTask({ type: 'sh', payload: null, priority: 'normal', requires: ['shell'], maxAttempts: 3, timeoutSeconds: 10, delaySeconds: 0 }, { id, tenant: stack.tenant, pool: 'shell', now: at });
  const task: Task = { ...base, status, attempts: 1, worker: 'gone-agent', lease: { token: 'old' }, leaseExpiresAt: leaseExpiresAt.toISOString(), startedAt: at.toISOString(), revision: 1 };
  const { due } = TABLE.indexes;
  const timerAt = leaseExpiresAt.toISOString();
  const item = { ...toTaskItem(task), [due.partitionKey]: dueShardKey('lease', shardOf(id, TABLE.dueShards)), [due.sortKey]: `${timerAt}#${stack.tenant}#${id}`, dueKind: 'lease', dueAt: timerAt };
  await createDocumentClient({ region: 'us-east-1', dynamoDbEndpoint: stack.dynamoDbEndpoint }).send(new PutCommand({ TableName: stack.tableName, Item: item }));
}

describe('an upgraded stack', () => {
  it("settles an agent attempt watched by a `lease` timer (the previous way) once its lease lapsed, and clears a finished task's timer", async () => {
    const { stack } = local;
    await legacyActive('legacy-lapsed', new Date(Date.now() - 5_000));
    await legacyActive('legacy-live', new Date(Date.now() + 600_000));
    await legacyActive('legacy-done', new Date(Date.now() - 5_000), 'CANCELLED');
    await sweepDue(stack.services.sweepDeps());
    const records = stack.services.sweepDeps().records;
    expect(await records.get(stack.tenant, 'legacy-lapsed')).toMatchObject({ status: 'PENDING', error: { type: 'AttemptLost' } });
    expect(await records.get(stack.tenant, 'legacy-live')).toMatchObject({ status: 'ACTIVE', due: { kind: 'lease' } });
    const done = await records.get(stack.tenant, 'legacy-done');
    expect(done?.status).toBe('CANCELLED');
    expect(done?.due).toBeUndefined();
  });
});
