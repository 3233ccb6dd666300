import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TaskfleetClient } from '../../sdk/index.js';
import { addToken } from '../../shared/services/authorize.js';
import { useTestStack } from '../helpers/local-stack.js';

// Dispatch to agents on the emulators: the ready set, the policy and admission, over HTTP.
const local = useTestStack({ workers: false });
const client = (): TaskfleetClient => new TaskfleetClient({ url: local.stack.apiUrl, token: local.stack.token });

/** Each test its own skills, so the file's tests cannot take each other's work. */
const skill = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;

describe('dispatch to agents, on DynamoDB', () => {
  it('gives a task only a specialist can run to the specialist, while generalists are busy with other work', async () => {
    const [general, special] = [skill('lint'), skill('security-review')];
    const c = client();
    const generalists = await Promise.all([1, 2].map(() => c.registerWorker({ capabilities: [general] })));
    const specialist = await c.registerWorker({ capabilities: [general, special] });
    for (let i = 0; i < 4; i++) await c.submit({ type: 'lint', requires: [general] });
    const review = await c.submit({ type: 'review', requires: [special] });
    // Generalists take general work; the review task is never offered to them.
    for (const g of generalists) expect((await c.lease(g.id, { max: 1 })).map((t) => t.id)).not.toContain(review.id);
    const [taken] = await c.lease(specialist.id, { max: 1 });
    expect(taken?.id).toBe(review.id);
  });

  it('leaves a task no agent can run PENDING through 200 lease calls, with nothing in any DLQ', async () => {
    const gpu = skill('gpu');
    const c = client();
    const small = await c.registerWorker({ capabilities: [gpu], capacity: { slots: 1, gpu: 2 } });
    await c.registerWorker({ capabilities: [gpu], capacity: { slots: 1, gpu: 8 } }); // big enough, but never asks
    const { id } = await c.submit({ type: 'train', requires: [gpu], resources: { gpu: 4 } });
    for (let i = 0; i < 200; i++) expect(await c.lease(small.id, { max: 1 })).toEqual([]);
    expect(await c.get(id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    const letters = await local.api('GET', '/dlq?limit=100');
    expect(letters.body.letters.map((l: { taskId: string }) => l.taskId)).not.toContain(id);
  }, 300_000); // 200 round trips: 8 s alone, over a minute late in a full run on 2 cores

  it("never shows a tenant's task to another tenant's agents", async () => {
    const shell = skill('shell');
    const token = `other-${randomUUID()}`;
    await addToken(local.stack.services.taskDeps.tokens, token, 'globex', 'test');
    const other = new TaskfleetClient({ url: local.stack.apiUrl, token });
    const theirs = await other.registerWorker({ capabilities: [shell] });
    await client().registerWorker({ capabilities: [shell] }); // acme's own agent, which never asks
    const { id } = await client().submit({ type: 'sh', requires: [shell] });
    for (let i = 0; i < 5; i++) expect(await other.lease(theirs.id, { max: 5 })).toEqual([]);
    expect((await client().get(id)).status).toBe('PENDING');
  });

  it('refuses (422) a task larger than every agent, naming the largest', async () => {
    const gpu = skill('gpu');
    await client().registerWorker({ capabilities: [gpu], capacity: { slots: 1, gpu: 8 } });
    const refused = await local.api('POST', '/tasks', { type: 'train', requires: [gpu], resources: { gpu: 16 } });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('needs gpu 16, the largest agent has 8');
  });

  it('frees the slot of a cancelled leased task at once', async () => {
    const shell = skill('shell');
    const c = client();
    const agent = await c.registerWorker({ capabilities: [shell], capacity: { slots: 1 } });
    const first = await c.submit({ type: 'sh', requires: [shell] });
    const second = await c.submit({ type: 'sh', requires: [shell] });
    const [leased] = await c.lease(agent.id, { max: 1 });
    expect(await c.lease(agent.id, { max: 1 })).toEqual([]);
    await c.cancel(leased!.id);
    const [next] = await c.lease(agent.id, { max: 1 });
    expect(next?.id).toBe(leased!.id === first.id ? second.id : first.id);
    await expect(c.complete(leased!.id, leased!.leaseToken, 'late')).rejects.toMatchObject({ status: 409 });
  });

  it('answers an idle long-polling agent as soon as a task is submitted', async () => {
    const shell = skill('shell');
    const c = client();
    const agent = await c.registerWorker({ capabilities: [shell] });
    const waiting = c.lease(agent.id, { max: 1, waitSeconds: 15 });
    await new Promise((r) => setTimeout(r, 300));
    const { id } = await c.submit({ type: 'sh', requires: [shell] });
    expect((await waiting).map((t) => t.id)).toEqual([id]);
  });
});
