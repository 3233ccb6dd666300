import { afterAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../local/api-server.js';
import type { AppServices } from '../../shared/composition.js';

/**
 * `npm start` listens before the stack is whole (the token is added last): a
 * client that polls /health and then submits at once must not meet a half-built
 * stack. Until the runtime says ready, every answer is 503 "starting".
 */
describe('the local API server while its stack starts', () => {
  let ready = false;
  const noServices = (): AppServices => {
    throw new Error('no request may reach a handler before the stack is ready');
  };
  const started = startApiServer(0, noServices, { ready: () => ready });
  afterAll(async () => (await started).close());

  it('answers every request 503 with Retry-After, /health included, and reaches no handler', async () => {
    const { url } = await started;
    for (const [method, path] of [
      ['GET', '/health'],
      ['POST', '/tasks'],
      ['GET', '/tasks/abc'],
    ] as const) {
      const response = await fetch(`${url}${path}`, { method, headers: { authorization: 'Bearer some-token', 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{"type":"echo"}' } : {}) });
      expect(response.status, `${method} ${path}`).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('starting');
    }
  });

  it('answers as usual once ready', async () => {
    const { url } = await started;
    ready = true;
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});
