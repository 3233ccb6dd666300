import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';

/**
 * The local stack for one test file: its own table and queues (a fresh prefix)
 * in the shared emulators, and its own HTTP API on a free port.
 */
export async function startTestStack(options: { workers?: boolean } = {}): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    sqsPort: 0,
    dynamoDbPort: 0,
    endpoints: inject('endpoints'),
    region: 'us-east-1',
    prefix: `t${randomUUID().slice(0, 8)}-`,
    token: `test-${randomUUID()}`,
    tenant: 'acme',
    schedule: false,
    workers: options.workers ?? false,
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
