import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from '../../sdk/http.js';
import { TaskfleetApiError, TaskfleetClient, TaskfleetConnectionError, type TaskView } from '../../sdk/index.js';

/** A fetch that answers from a script, one entry per call, and records the calls. */
function scriptedFetch(script: readonly (Response | Error | ((init: RequestInit) => Promise<Response>))[]) {
  const calls: { method: string; url: string }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ method: init.method ?? 'GET', url });
    const next = script[Math.min(calls.length - 1, script.length - 1)];
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(init) : next?.clone();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const task = (status: string, fraction = 0) => ({ id: 't1', type: 'echo', status, attempts: 1, progress: { fraction } }) as unknown as TaskView;
const fast = { retries: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe('the SDK client over HTTP', () => {
  it('retries a GET on 503 and a network error, then answers', async () => {
    const { fetch, calls } = scriptedFetch([json(503, {}), new TypeError('fetch failed'), json(200, task('ACTIVE'))]);
    const client = new TaskfleetClient({ url: 'http://api', token: 't', fetch, retry: fast });
    expect((await client.get('t1')).status).toBe('ACTIVE');
    expect(calls).toHaveLength(3);
  });

  it('retries a submit only when it carries an idempotencyKey', async () => {
    const plain = scriptedFetch([json(500, { error: { code: 'internal', message: 'boom' } }), json(202, { id: 'a' })]);
    const once = new TaskfleetClient({ url: 'http://api', token: 't', fetch: plain.fetch, retry: fast });
    await expect(once.submit({ type: 'echo' })).rejects.toMatchObject({ status: 500 });
    expect(plain.calls).toHaveLength(1);

    const keyed = scriptedFetch([json(429, { error: { code: 'busy', message: 'later' } }, { 'retry-after': '0' }), json(202, { id: 'a' })]);
    const retried = new TaskfleetClient({ url: 'http://api', token: 't', fetch: keyed.fetch, retry: fast });
    expect(await retried.submit({ type: 'echo', idempotencyKey: 'k' })).toMatchObject({ id: 'a', created: true });
    expect(keyed.calls).toHaveLength(2);
  });

  it('never retries a 4xx other than 429', async () => {
    const { fetch, calls } = scriptedFetch([json(404, { error: { code: 'not_found', message: 'no task' } })]);
    const client = new TaskfleetClient({ url: 'http://api', token: 't', fetch, retry: fast });
    await expect(client.get('t1')).rejects.toBeInstanceOf(TaskfleetApiError);
    expect(calls).toHaveLength(1);
  });

  it('gives up after the retries with a connection error naming the URL', async () => {
    const { fetch, calls } = scriptedFetch([Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })]);
    const client = new TaskfleetClient({ url: 'http://127.0.0.1:9/', token: 't', fetch, retry: fast });
    const error = await client.get('t1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskfleetConnectionError);
    expect((error as Error).message).toBe('cannot reach http://127.0.0.1:9: ECONNREFUSED');
    expect(calls).toHaveLength(4);
  });

  it('times a request out', async () => {
    // Like fetch, it gives up only when its signal aborts.
    const hang = (init: RequestInit) => new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const { fetch } = scriptedFetch([hang]);
    const client = new TaskfleetClient({ url: 'http://api', token: 't', fetch, timeoutMs: 20, retry: false });
    await expect(client.get('t1')).rejects.toMatchObject({ name: 'TaskfleetConnectionError', reason: 'timeout' });
  });

  it('wait calls onUpdate only when the task changed', async () => {
    const { fetch, calls } = scriptedFetch([
      json(200, task('PENDING')),
      json(200, task('PENDING')),
      json(200, task('ACTIVE', 0.5)),
      json(200, task('ACTIVE', 0.5)),
      json(200, task('COMPLETED', 1)),
    ]);
    const client = new TaskfleetClient({ url: 'http://api', token: 't', fetch });
    const seen: string[] = [];
    await client.wait('t1', { intervalMs: 1, onUpdate: (t) => seen.push(`${t.status} ${t.progress?.fraction}`) });
    expect(calls).toHaveLength(5);
    expect(seen).toEqual(['PENDING 0', 'ACTIVE 0.5', 'COMPLETED 1']);
  });
});

describe('backoff', () => {
  it('grows with full jitter, is capped, and honours Retry-After', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(policy, 0, undefined, () => 1)).toBe(100);
    expect(backoffMs(policy, 3, undefined, () => 1)).toBe(800);
    expect(backoffMs(policy, 10, undefined, () => 1)).toBe(1000);
    expect(backoffMs(policy, 3, undefined, () => 0)).toBe(0);
    expect(backoffMs(policy, 0, 700, () => 0.5)).toBe(700);
    expect(backoffMs(policy, 0, 60_000, () => 0.5)).toBe(1000);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
