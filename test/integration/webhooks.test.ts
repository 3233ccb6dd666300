import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook, type WebhookEvent } from '../../sdk/webhooks.js';
import { apiClient, useTestStack } from '../helpers/local-stack.js';
import { hashToken } from '../../shared/domain/token.js';
import { waitFor } from '../helpers/wait.js';

const local = useTestStack({
  workers: true,
  events: true,
  env: {
    TASKFLEET_RETRY_BASE_SECONDS: '0',
    TASKFLEET_CIRCUIT_THRESHOLD: '1000',
    TASKFLEET_WEBHOOK_ALLOW_LOOPBACK: 'true',
    // Fast, bounded retries: three attempts, no backoff.
    TASKFLEET_WEBHOOK_RETRY_BASE_SECONDS: '0',
    TASKFLEET_WEBHOOK_MAX_ATTEMPTS: '3',
    // A webhook made by a test must hear the very next events (the consumer caches lists for 5 s otherwise).
    TASKFLEET_WEBHOOK_LIST_CACHE_MS: '0',
  },
});

interface Received {
  readonly body: string;
  readonly signature: string | undefined;
  readonly attempt: string | undefined;
}

/** A receiver on 127.0.0.1 that records every request and answers `status` (or what it gives at that moment). */
async function receiver(status: number | (() => number)): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: req.headers['taskfleet-signature'] as string | undefined,
        attempt: req.headers['taskfleet-delivery-attempt'] as string | undefined,
      });
      res.writeHead(typeof status === 'number' ? status : status()).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

let ok: Awaited<ReturnType<typeof receiver>>;
let broken: Awaited<ReturnType<typeof receiver>>;
beforeAll(async () => {
  ok = await receiver(200);
  broken = await receiver(500);
});
afterAll(async () => {
  ok.server.close();
  broken.server.close();
});

const eventsAt = (r: { received: Received[] }, secret: string): WebhookEvent[] => r.received.map((x) => verifyWebhook(x.body, x.signature, secret));

describe('webhooks', () => {
  it('delivers a signed task.completed and job.completed that the SDK verifies', async () => {
    const created = await local.api('POST', '/webhooks', { url: ok.url, events: ['task.completed', 'job.*'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const secret: string = created.body.secret;

    const task = await local.api('POST', '/tasks', { type: 'echo', payload: { hello: 'world' } });
    const job = await local.api('POST', '/jobs', { map: { type: 'count-words', items: [{ text: 'a b' }, { text: 'a' }] }, reduce: { type: 'merge-counts' } });
    expect(task.status).toBe(202);
    expect(job.status).toBe(202);

    const events = await waitFor(
      async () => eventsAt(ok, secret),
      (list) => list.some((e) => e.type === 'task.completed' && e.task?.id === task.body.id) && list.some((e) => e.type === 'job.completed' && e.job?.id === job.body.id),
      100_000,
      200,
    );
    const completed = events.find((e) => e.type === 'task.completed' && e.task?.id === task.body.id);
    expect(completed).toMatchObject({ tenant: 'acme', task: { status: 'COMPLETED', attempts: 1, pool: 'general', result: { hello: 'world' } } });
    expect(completed?.task?.runTimeMs).toBeGreaterThanOrEqual(0);
    // Only the types subscribed to: no task.created or task.started.
    expect(events.every((e) => e.type === 'task.completed' || e.type.startsWith('job.'))).toBe(true);
    // A tampered body fails verification.
    const first = ok.received[0]!;
    expect(() => verifyWebhook(first.body.replace('acme', 'evil'), first.signature, secret)).toThrow(/no signature matches/);

    const listed = await waitFor(() => local.api('GET', '/webhooks'), (r) => r.body.items.find((w: { id: string }) => w.id === created.body.id)?.lastDelivery?.status === 'delivered');
    const mine = listed.body.items.find((w: { id: string }) => w.id === created.body.id);
    expect(mine.secret).toBeUndefined();
    expect((await local.api('DELETE', `/webhooks/${created.body.id}`)).status).toBe(204);
  }, 150_000);

  it('retries a receiver that answers 500, then dead-letters the delivery and shows it', async () => {
    const created = await local.api('POST', '/webhooks', { url: broken.url, events: ['task.completed'], secret: 'a-secret-of-sixteen-chars' });
    expect(created.status).toBe(201);
    const task = await local.api('POST', '/tasks', { type: 'echo', payload: { n: 1 } });

    const listed = await waitFor(
      () => local.api('GET', '/webhooks'),
      (r) => r.body.items.find((w: { id: string }) => w.id === created.body.id)?.lastDelivery?.status === 'dead_lettered',
      100_000,
      200,
    );
    const hook = listed.body.items.find((w: { id: string }) => w.id === created.body.id);
    expect(hook).toMatchObject({ deadLettered: 1, lastDelivery: { status: 'dead_lettered', eventType: 'task.completed', attempts: 3, responseStatus: 500 } });
    const attempts = broken.received.filter((r) => verifyWebhook(r.body, r.signature, 'a-secret-of-sixteen-chars').task?.id === task.body.id);
    expect(attempts.map((r) => r.attempt)).toEqual(['1', '2', '3']);

    // The delivery is in the webhook DLQ, with the reason.
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: local.stack.sqsEndpoint });
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: local.stack.events!.deliveryDlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    sqs.destroy();
    const letter = (Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}')).find((m) => m.event?.task?.id === task.body.id);
    expect(letter).toMatchObject({ webhookId: created.body.id, attempt: 3, reason: 'receiver answered 500' });
  }, 150_000);

  it("lists a webhook's failed delivery and redelivers it once the receiver is back", async () => {
    let answer = 503;
    const flaky = await receiver(() => answer);
    try {
      const created = await local.api('POST', '/webhooks', { url: flaky.url, events: ['task.completed'] });
      const hook: string = created.body.id;
      const task = await local.api('POST', '/tasks', { type: 'echo', payload: { redeliver: 1 } });
      const deliveries = (query = '') => local.api('GET', `/webhooks/${hook}/deliveries${query}`);
      const failed = await waitFor(deliveries, (r) => r.body.items?.[0]?.status === 'dead_lettered', 100_000, 200);
      expect(failed.status).toBe(200);
      const [delivery] = failed.body.items;
      expect(delivery).toMatchObject({ eventType: 'task.completed', attempts: 3, responseStatus: 503 });
      expect(delivery.eventId).toContain(task.body.id);
      expect(flaky.received).toHaveLength(3);

      answer = 200;
      const path = `/webhooks/${hook}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`;
      const redelivered = await local.api('POST', path);
      expect(redelivered.status).toBe(202);
      expect(redelivered.body).toMatchObject({ id: delivery.id, status: 'redelivering', redeliveries: 1 });
      // A second click while it is on its way sends nothing.
      expect((await local.api('POST', path)).status).toBe(409);

      const done = await waitFor(deliveries, (r) => r.body.items?.[0]?.status === 'delivered', 100_000, 200);
      expect(done.body.items).toHaveLength(1);
      expect(done.body.items[0]).toMatchObject({ id: delivery.id, attempts: 1, responseStatus: 200, redeliveries: 1, firstAttemptAt: delivery.firstAttemptAt });
      expect(done.body.items[0].error).toBeUndefined();
      expect(flaky.received.map((r) => r.attempt)).toEqual(['1', '2', '3', '1']);
      expect(JSON.parse(flaky.received[3]!.body).id).toBe(delivery.eventId);
      // Delivered now: nothing to redeliver.
      expect((await local.api('POST', path)).status).toBe(409);
    } finally {
      flaky.server.close();
    }
  }, 150_000);

  it('rotates a secret: returned once, and the next delivery is signed with it', async () => {
    const created = await local.api('POST', '/webhooks', { url: ok.url, events: ['task.completed'], secret: 'the-old-secret-of-16' });
    const rotated = await local.api('POST', `/webhooks/${created.body.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: created.body.id, url: ok.url });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect((await local.api('GET', '/webhooks')).body.items.find((w: { id: string }) => w.id === created.body.id).secret).toBeUndefined();

    const task = await local.api('POST', '/tasks', { type: 'echo', payload: { rotated: true } });
    const signed = await waitFor(
      async () => ok.received.find((r) => JSON.parse(r.body).task?.id === task.body.id && JSON.parse(r.body).type === 'task.completed'),
      (r) => r !== undefined,
      100_000,
      200,
    );
    expect(verifyWebhook(signed!.body, signed!.signature, rotated.body.secret).task?.id).toBe(task.body.id);
    expect(() => verifyWebhook(signed!.body, signed!.signature, 'the-old-secret-of-16')).toThrow();
    await local.api('DELETE', `/webhooks/${created.body.id}`);
  }, 150_000);

  it('refuses a bad deliveries query, and unknown webhooks and deliveries', async () => {
    const created = await local.api('POST', '/webhooks', { url: ok.url, events: ['job.failed'] });
    const hook: string = created.body.id;
    const bad = await local.api('GET', `/webhooks/${hook}/deliveries?limit=0&extra=1`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['extra', 'limit']);
    expect((await local.api('GET', `/webhooks/${hook}/deliveries`)).body).toEqual({ items: [] });
    expect((await local.api('GET', '/webhooks/wh_nope/deliveries')).status).toBe(404);
    expect((await local.api('POST', '/webhooks/wh_nope/rotate-secret')).status).toBe(404);
    expect((await local.api('POST', `/webhooks/${hook}/deliveries/0000000000000_nope/redeliver`)).status).toBe(404);
    expect((await local.api('POST', `/webhooks/${hook}/deliveries/${encodeURIComponent('bad id!')}/redeliver`)).status).toBe(400);
    // Another tenant's token finds nothing of it, and rotates nothing.
    const token = `globex-${randomUUID()}`;
    await local.stack.services.taskDeps.tokens.put(hashToken(token), 'globex', 'test');
    const globex = apiClient(local.stack.apiUrl, token);
    expect((await globex('GET', `/webhooks/${hook}/deliveries`)).status).toBe(404);
    expect((await globex('POST', `/webhooks/${hook}/rotate-secret`)).status).toBe(404);
    expect((await globex('POST', `/webhooks/${hook}/deliveries/0000000000000_x/redeliver`)).status).toBe(404);
    await local.api('DELETE', `/webhooks/${hook}`);
  });

  it('follows a tenant’s events through GET /events', async () => {
    const task = await local.api('POST', '/tasks', { type: 'echo', payload: { follow: true } });
    const seen = await waitFor(
      async () => (await local.api('GET', '/events?limit=500')).body.items as WebhookEvent[],
      (items) => items.some((e) => e.type === 'task.completed' && e.task?.id === task.body.id),
      100_000,
      500,
    );
    const mine = seen.filter((e) => e.task?.id === task.body.id).map((e) => e.type);
    expect(mine).toEqual(['task.created', 'task.started', 'task.completed']);

    const { stdout } = await promisify(execFile)(
      'node',
      ['bin/taskfleet.mjs', '--url', local.stack.apiUrl, '--token', local.stack.token, 'events', '--type', 'task.completed'],
      { timeout: 30_000 },
    );
    expect(stdout).toMatch(new RegExp(`task\\.completed\\s+${task.body.id}`));
    expect(stdout).not.toContain('task.created');
  }, 150_000);

  it('publishes the events to the events topic, where an SQS subscriber receives them', async () => {
    const region = 'us-east-1';
    const sqs = new SQSClient({ region, endpoint: local.stack.sqsEndpoint });
    const sns = new SNSClient({ region, endpoint: local.stack.sqsEndpoint });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `events-tap-${Date.now()}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn: local.stack.events!.topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
    const task = await local.api('POST', '/tasks', { type: 'echo', payload: { tap: 1 } });
    const received: any[] = [];
    await waitFor(
      async () => {
        const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
        for (const m of Messages ?? []) received.push({ body: JSON.parse(m.Body ?? '{}'), attributes: m.MessageAttributes });
        return received;
      },
      (list) => list.some((m) => m.body.type === 'task.completed' && m.body.task?.id === task.body.id),
      100_000,
      100,
    );
    const completed = received.find((m) => m.body.type === 'task.completed' && m.body.task?.id === task.body.id);
    expect(completed.body).toMatchObject({ tenant: 'acme', task: { result: { tap: 1 } } });
    sqs.destroy();
    sns.destroy();
  }, 150_000);

  it('refuses bad webhooks: a metadata address, a non-URL, an unknown event type', async () => {
    const bad = await local.api('POST', '/webhooks', { url: 'http://169.254.169.254/latest/meta-data', events: ['task.completed'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('url');
    const wrong = await local.api('POST', '/webhooks', { url: 'not a url', events: ['task.done'] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['events.0']);
    expect((await local.api('DELETE', '/webhooks/wh_nope')).status).toBe(404);
  });

  it('refuses the metadata address in its IPv6 spellings, and the stack’s own ports on loopback', async () => {
    const ownPort = new URL(local.stack.sqsEndpoint).port;
    for (const url of ['http://[::a9fe:a9fe]/', 'http://[::ffff:169.254.169.254]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[2002:a9fe:a9fe::]/', `http://127.0.0.1:${ownPort}/`]) {
      const answer = await local.api('POST', '/webhooks', { url, events: ['task.completed'] });
      expect(answer.status, url).toBe(400);
      expect(answer.body.error.fields[0].field).toBe('url');
    }
  });
});
