import { describe, expect, it } from 'vitest';
import { toApiError } from '../../sdk/errors.js';
import {
  ConflictError,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  RateLimitedError,
  TaskfleetApiError,
  TaskfleetClient,
  TaskfleetConnectionError,
  TaskfleetError,
  TimeoutError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
  WebhookSignatureError,
  verifyWebhook,
  signWebhook,
  type TaskView,
} from '../../sdk/index.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const answering = (response: () => Response | Promise<Response>) => (async () => response()) as unknown as typeof fetch;
const noRetry = { url: 'http://api', token: 't', retry: false } as const;

describe('the SDK error classes', () => {
  it.each([
    [400, 'invalid_request', ValidationError],
    [400, 'malformed_json', ValidationError],
    [413, 'payload_too_large', ValidationError],
    [422, 'no_pool_for_capabilities', ValidationError],
    [401, 'unauthorized', UnauthorizedError],
    [403, 'forbidden', ForbiddenError],
    [404, 'not_found', NotFoundError],
    [404, 'no_such_route', NotFoundError],
    [409, 'stale_lease', ConflictError],
    [409, 'already_terminal', ConflictError],
    [429, 'rate_limited', RateLimitedError],
    [503, 'unavailable', UnavailableError],
    [503, 'timeout', UnavailableError],
    [500, 'internal', InternalServerError],
    [502, 'http_error', InternalServerError],
    [418, 'teapot', TaskfleetApiError],
  ] as const)('maps %i %s to %o, keeping status, code and the old base classes', (status, code, ErrorClass) => {
    const error = toApiError(status, { error: { code, message: 'no' } }, undefined);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(TaskfleetApiError);
    expect(error).toBeInstanceOf(TaskfleetError);
    expect(error).toMatchObject({ status, code, name: ErrorClass.name, message: `${status} ${code}: no` });
  });

  it('keeps the fields a refusal names', () => {
    const fields = [{ field: 'priority', message: 'must be one of critical, high, normal, low' }];
    expect(toApiError(400, { error: { code: 'invalid_request', message: 'invalid priority', fields } }, undefined).fields).toEqual(fields);
  });

  it("gives a gateway's code-less answer the status's code", () => {
    expect(toApiError(403, { message: 'Forbidden' }, undefined)).toMatchObject({ code: 'forbidden', message: '403 forbidden: Forbidden' });
    expect(toApiError(429, { message: 'Too Many Requests' }, undefined)).toMatchObject({ code: 'rate_limited' });
    expect(toApiError(401, undefined, undefined)).toMatchObject({ code: 'unauthorized' });
  });

  it("takes retryAfterMs from Retry-After, else from the body's retryAfterSeconds", () => {
    expect(toApiError(429, {}, 2000).retryAfterMs).toBe(2000);
    expect(toApiError(503, { error: { code: 'unavailable', message: 'x', retryAfterSeconds: 3 } }, undefined).retryAfterMs).toBe(3000);
    expect(toApiError(503, { error: { code: 'unavailable', message: 'x', retryAfterSeconds: 3 } }, 500).retryAfterMs).toBe(500);
    expect(toApiError(429, {}, undefined).retryAfterMs).toBeUndefined();
  });

  it('parses Retry-After off a real answer into a RateLimitedError', async () => {
    const client = new TaskfleetClient({ ...noRetry, fetch: answering(() => json(429, { message: 'slow down' }, { 'retry-after': '7' })) });
    const error = await client.tasks.get('t1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000 });
  });

  it('wraps a network failure in a TaskfleetConnectionError with the cause', async () => {
    const cause = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const client = new TaskfleetClient({ ...noRetry, fetch: answering(() => Promise.reject(cause)) });
    const error = await client.jobs.get('j1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskfleetConnectionError);
    expect(error).toBeInstanceOf(TaskfleetError);
    expect(error).toMatchObject({ code: 'connection_failed', reason: 'unreachable', cause });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('throws a TimeoutError carrying the last view when a wait runs out', async () => {
    const active = { id: 't1', type: 'echo', status: 'ACTIVE', attempts: 1 } as unknown as TaskView;
    const client = new TaskfleetClient({ ...noRetry, fetch: answering(() => json(200, active)) });
    const error = await client.tasks.wait('t1', { intervalMs: 1, timeoutMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'wait_timeout', last: { status: 'ACTIVE' } });
  });

  it('makes a webhook signature failure a TaskfleetError too, and a signed non-JSON body one', () => {
    expect(() => verifyWebhook('{}', undefined, 's')).toThrow(WebhookSignatureError);
    const now = 1_700_000_000_000;
    const header = signWebhook('not json', 's', now / 1000);
    const error = (() => {
      try {
        verifyWebhook('not json', header, 's', { nowMs: now });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(error).toBeInstanceOf(TaskfleetError);
    expect(error).toMatchObject({ code: 'invalid_signature' });
  });
});
