import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { taskKey } from '../../shared/adapters/dynamodb/task-item.js';
import { waitFor } from '../helpers/wait.js';
import { TaskfleetClient, Worker } from '../../sdk/index.js';
import { useTestStack } from '../helpers/local-stack.js';

const local = useTestStack({ workers: true });
const api: typeof local.api = (...args) => local.api(...args);

/** ~3 MiB of JSON: far above the 8 KiB kept in the record, and above DynamoDB's 400 KB item. */
const big = { blob: 'x'.repeat(3 * 1024 * 1024), n: 42 };

describe('payloads and results above 8 KiB, through the values bucket', () => {
  it('round-trips a 3 MiB payload and result through a Lambda task', async () => {
    const { status, body } = await api('POST', '/tasks', { type: 'echo', payload: big });
    expect(status).toBe(202);
    const client = new TaskfleetClient({ url: local.stack.apiUrl, token: local.stack.token });
    const done = await client.wait(body.id, { timeoutMs: 60_000, intervalMs: 300 });
    expect(done.status).toBe('COMPLETED');
    // By reference unless asked for: a GET stays small.
    expect(done).toMatchObject({ payload: null, payloadRef: { bytes: expect.any(Number) }, result: null, resultRef: { bytes: expect.any(Number) } });
    expect((await client.get(body.id, { include: 'result' })).result).toEqual(big);
    expect((await client.get(body.id, { include: 'payload' })).payload).toEqual(big);
  });

  it('round-trips a 3 MiB payload and result through an agent task', async () => {
    const client = new TaskfleetClient({ url: local.stack.apiUrl, token: local.stack.token });
    const worker = new Worker({
      url: local.stack.apiUrl,
      token: local.stack.token,
      capabilities: ['shell'],
      leaseWaitSeconds: 1,
      handleSignals: false,
      handlers: { mirror: (payload) => payload },
    });
    const running = worker.run();
    try {
      const { id } = await client.submit({ type: 'mirror', requires: ['shell'], payload: big });
      const done = await client.wait(id, { timeoutMs: 60_000, intervalMs: 300 });
      expect(done.status).toBe('COMPLETED');
      expect((await client.get(id, { include: 'result' })).result).toEqual(big);
    } finally {
      await worker.stop();
      await running;
    }
  });

  it('keeps small values inline', async () => {
    const { body } = await api('POST', '/tasks', { type: 'echo', payload: { small: true } });
    const read = await api('GET', `/tasks/${body.id}`);
    expect(read.body).toMatchObject({ payload: { small: true } });
    expect(read.body.payloadRef).toBeUndefined();
    expect((await api('GET', `/tasks/${body.id}?include=everything`)).status).toBe(400);
  });

  it('refuses a duplicate id with another large payload without touching the original, and leaves no object behind', async () => {
    const original = { blob: 'a'.repeat(20_000) };
    const id = `dup-${Date.now()}`;
    expect((await api('POST', '/tasks', { id, type: 'hold', requires: ['shell'], payload: original })).status).toBe(202);
    const duplicate = await api('POST', '/tasks', { id, type: 'hold', requires: ['shell'], payload: { blob: 'b'.repeat(20_000) } });
    expect(duplicate.status).toBe(409);
    expect((await api('GET', `/tasks/${id}?include=payload`)).body.payload).toEqual(original);
    expect(await valueObjects(`${local.stack.tenant}/${id}/`)).toHaveLength(1);
  });

  it('refuses a second completion with another large result without touching the first', async () => {
    const client = new TaskfleetClient({ url: local.stack.apiUrl, token: local.stack.token });
    const { id } = await client.submit({ type: 'hold', requires: ['gpu'], payload: null });
    const agent = await api('POST', '/workers', { capabilities: ['gpu'] });
    const [leased] = await client.lease(agent.body.id, { max: 1, waitSeconds: 5 });
    expect(leased?.id).toBe(id);
    const first = { blob: 'r'.repeat(20_000) };
    expect((await api('POST', `/tasks/${id}/complete`, { leaseToken: leased!.leaseToken, result: first })).status).toBe(200);
    const again = await api('POST', `/tasks/${id}/complete`, { leaseToken: leased!.leaseToken, result: { blob: 's'.repeat(20_000) } });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect((await client.get(id, { include: 'result' })).result).toEqual(first);
    expect(await valueObjects(`${local.stack.tenant}/${id}/result`)).toHaveLength(1);
  });

  it('deletes a task’s objects when its record is removed or expires, and not before', async () => {
    const client = new TaskfleetClient({ url: local.stack.apiUrl, token: local.stack.token });
    const value = { blob: 'y'.repeat(64 * 1024) };
    const { id } = await client.submit({ type: 'echo', payload: value });
    const done = await client.wait(id, { timeoutMs: 60_000, intervalMs: 300 });
    const keys = [done.payloadRef?.key, done.resultRef?.key];
    expect(keys.every((k) => typeof k === 'string')).toBe(true);
    const s3 = new S3Client({ region: 'us-east-1', endpoint: local.stack.sqsEndpoint, forcePathStyle: true });
    const exists = async (key: string): Promise<boolean> =>
      s3.send(new HeadObjectCommand({ Bucket: local.stack.services.config.valuesBucket, Key: key })).then(
        () => true,
        (error: Error) => (error.name === 'NotFound' || error.name === 'NoSuchKey' ? false : Promise.reject(error)),
      );
    try {
      // Finished, and kept for its retention: its objects stay however old they get.
      expect(await Promise.all(keys.map((k) => exists(k as string)))).toEqual([true, true]);
      // TTL deletes the record (DynamoDB Local does not run TTL: the same REMOVE, by hand).
      const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: local.stack.dynamoDbEndpoint });
      await dynamodb.send(new DeleteItemCommand({ TableName: local.stack.tableName, Key: marshall(taskKey(local.stack.tenant, id)) }));
      dynamodb.destroy();
      await waitFor(() => Promise.all(keys.map((k) => exists(k as string))), (left) => left.every((e) => !e), 60_000, 300);
    } finally {
      s3.destroy();
    }
  }, 120_000);
});

/** The keys of the values bucket's objects under `prefix`. */
async function valueObjects(prefix: string): Promise<string[]> {
  const s3 = new S3Client({ endpoint: local.stack.sqsEndpoint, forcePathStyle: true, region: 'us-east-1' });
  try {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: local.stack.services.config.valuesBucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((o) => o.Key ?? '');
  } finally {
    s3.destroy();
  }
}
