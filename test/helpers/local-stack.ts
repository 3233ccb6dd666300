import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { testEndpoints } from './endpoints.js';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';

/**
 * The local stack for one test file: its own table and queues (a fresh prefix)
 * in the shared emulators, and its own HTTP API on a free port.
 */
export async function startTestStack(options: { workers?: boolean; sweepSeconds?: number; events?: boolean; env?: Record<string, string>; tenant?: string; token?: string } = {}): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    sqsPort: 0,
    dynamoDbPort: 0,
    endpoints: testEndpoints(),
    region: 'us-east-1',
    prefix: `t${randomUUID().slice(0, 8)}-`,
    token: options.token ?? `test-${randomUUID()}`,
    tenant: options.tenant ?? 'acme',
    // The stack's settings: this process's environment, with the test's own on top.
    env: { ...process.env, ...options.env },
    // The sweep (lapsed agent leases, deadlines, next stages) only where a test asks for it.
    schedule: options.sweepSeconds !== undefined,
    ...(options.sweepSeconds !== undefined ? { sweepSeconds: options.sweepSeconds } : {}),
    workers: options.workers ?? false,
    // The stream consumer also keeps the /stats counts: on unless a file has no use for either.
    events: options.events ?? true,
  });
}

/** A small client for the HTTP API under test. */
export function apiClient(baseUrl: string, token: string | undefined) {
  return async (method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; body: any }> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * The test file's stack and a client of its API: `env` holds the stack's own
 * settings (policy and webhook overrides); the stack starts before the file's
 * tests and stops after them.
 */
export function useTestStack(options: { workers?: boolean; sweepSeconds?: number; events?: boolean; env?: Record<string, string> } = {}): { readonly stack: LocalStack; readonly api: ApiClient } {
  let stack: LocalStack | undefined;
  let api: ApiClient | undefined;
  beforeAll(async () => {
    stack = await startTestStack({
      workers: options.workers ?? false,
      events: options.events ?? true,
      ...(options.sweepSeconds !== undefined ? { sweepSeconds: options.sweepSeconds } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
    });
    api = apiClient(stack.apiUrl, stack.token);
  });
  afterAll(async () => stack?.stop());
  return {
    get stack(): LocalStack {
      if (stack === undefined) throw new Error('the stack starts in beforeAll');
      return stack;
    },
    get api(): ApiClient {
      if (api === undefined) throw new Error('the stack starts in beforeAll');
      return api;
    },
  };
}
