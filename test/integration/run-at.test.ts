import { describe, expect, it } from 'vitest';
import { TaskfleetClient } from '../../sdk/index.js';
import { useTestStack } from '../helpers/local-stack.js';

const t = useTestStack({ events: false });

describe('runAt and delays past 15 minutes', () => {
  it('accepts a runAt an hour out with 202 PENDING, and GET shows when it will run', async () => {
    const runAt = new Date(Date.now() + 3600_000);
    const submitted = await t.api('POST', '/tasks', { type: 'echo', runAt: runAt.toISOString() });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ status: 'PENDING', pool: 'general' });
    const read = await t.api('GET', `/tasks/${submitted.body.id}`);
    expect(read.body).toMatchObject({ status: 'PENDING', attempts: 0, runAt: runAt.toISOString(), availableAt: runAt.toISOString() });
  });

  it('accepts delaySeconds of a day on an agent pool', async () => {
    const submitted = await t.api('POST', '/tasks', { type: 'sh', requires: ['shell'], delaySeconds: 86_400, id: 'later-1' });
    // No shell agent is registered in this stack: a fixed pool accepts work before its fleet starts.
    expect(submitted.status).toBe(202);
    const read = await t.api('GET', '/tasks/later-1');
    expect(Date.parse(read.body.runAt) - Date.parse(read.body.createdAt)).toBe(86_400_000);
  });

  it('answers 400 naming runAt when delaySeconds is given too, or it is more than a year out', async () => {
    const both = await t.api('POST', '/tasks', { type: 'echo', runAt: new Date(Date.now() + 60_000).toISOString(), delaySeconds: 60 });
    expect(both.status).toBe(400);
    expect(both.body.error.fields).toEqual([{ field: 'runAt', message: expect.stringContaining('delaySeconds') }]);
    const far = await t.api('POST', '/tasks', { type: 'echo', runAt: new Date(Date.now() + 400 * 86_400_000).toISOString() });
    expect(far.status).toBe(400);
    expect(far.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['runAt']);
  });

  it('the SDK submits runAt as a Date, a concurrency key, and keeps rate limits', async () => {
    const client = new TaskfleetClient({ url: t.stack.apiUrl, token: t.stack.token });
    const runAt = new Date(Date.now() + 7200_000);
    const submitted = await client.submit({ type: 'echo', runAt, concurrencyKey: 'c-1', concurrencyLimit: 2 });
    const read = await client.get(submitted.id);
    expect(read).toMatchObject({ status: 'PENDING', runAt: runAt.toISOString() });
    expect(await client.setRateLimit('echo', 3, '1m')).toMatchObject({ type: 'echo', limit: 3, per: '1m', used: 0 });
    expect(await client.rateLimits()).toEqual([{ type: 'echo', limit: 3, per: '1m', used: 0 }]);
    await client.removeRateLimit('echo');
    expect(await client.rateLimits()).toEqual([]);
  });
});
