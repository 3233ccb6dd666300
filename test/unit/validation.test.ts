import { describe, expect, it } from 'vitest';
import { parseJobInput } from '../../shared/domain/job.js';
import { parseTaskInput } from '../../shared/domain/task-input.js';
import { cursor, decodePathId, jsonDepth, labels, toFieldErrors } from '../../shared/domain/validation.js';
import { jsonBody, pathParameter } from '../../shared/http/request.js';
import { TaskfleetError } from '../../shared/errors.js';
import { authorize, addToken } from '../../shared/services/authorize.js';
import { MemoryTokenStore } from '../../shared/adapters/memory/memory-token-store.js';

const now = new Date('2026-01-01T00:00:00Z');
const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};
const messages = (raw: unknown): Record<string, string> => {
  const result = parseTaskInput(raw, now);
  return result.ok ? {} : Object.fromEntries(result.fields.map((f) => [f.field, f.message]));
};
const thrown = (fn: () => unknown): TaskfleetError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof TaskfleetError) return error;
    throw error;
  }
  throw new Error('did not throw');
};

describe('JSON depth', () => {
  it('counts 3,000 levels without overflowing the stack', () => {
    expect(jsonDepth(nested(3000), 64)).toBe(65);
    expect(jsonDepth(nested(3000), 10_000)).toBe(3000);
    expect(jsonDepth({ a: [1, { b: [] }] })).toBe(4);
    expect(jsonDepth('text')).toBe(0);
  });

  it('refuses a 3,000-deep payload with a 400 naming payload', () => {
    expect(messages({ type: 'echo', payload: nested(3000) }).payload).toMatch(/deeper than 64/);
    expect(messages({ type: 'echo', payload: nested(64) })).toEqual({});
  });

  it('refuses a 3,000-deep body before any schema walks it', () => {
    const deep = `${'['.repeat(3000)}${']'.repeat(3000)}`;
    expect(thrown(() => jsonBody({ body: deep, isBase64Encoded: false }))).toMatchObject({ status: 400, fields: [{ field: 'body' }] });
  });

  it('refuses a 3,000-deep job item', () => {
    const result = parseJobInput({ map: { type: 'm', items: [nested(3000)] } });
    expect(result.ok).toBe(false);
  });
});

describe('messages name the real problem', () => {
  it('a 129-character type is too long, not missing', () => {
    expect(messages({ type: 'a'.repeat(129) }).type).toBe('must be at most 128 characters');
    expect(messages({}).type).toBe('is required (a string)');
    expect(messages({ type: 7 }).type).toBe('must be a string, not number');
  });

  it('a past deadline is reported beside other wrong fields', () => {
    const found = messages({ type: 'a'.repeat(129), priority: 'urgent', deadline: '2020-01-01T00:00:00Z' });
    expect(found).toMatchObject({ type: expect.any(String), priority: expect.stringMatching(/one of/), deadline: 'must be in the future' });
  });

  it('ids keep to their charset and length; idempotency keys to printable ASCII without #', () => {
    expect(messages({ type: 'x', id: 'a#b' }).id).toMatch(/letters, digits/);
    expect(messages({ type: 'x', id: 'a'.repeat(129) }).id).toBe('must be at most 128 characters');
    expect(messages({ type: 'x', id: 'a.b:c-d_e' })).toEqual({});
    expect(messages({ type: 'x', idempotencyKey: 'k#1' }).idempotencyKey).toMatch(/"#"/);
    expect(messages({ type: 'x', idempotencyKey: 'k é' }).idempotencyKey).toMatch(/printable ASCII/);
    expect(messages({ type: 'x', idempotencyKey: 'a'.repeat(257) }).idempotencyKey).toBe('must be at most 256 characters');
  });
});

describe('labels', () => {
  const problems = (raw: unknown): string[] => {
    const parsed = labels.safeParse(raw);
    return parsed.success ? [] : toFieldErrors(parsed.error).map((f) => f.message);
  };
  it('refuses prototype keys, empty keys and more than 64 labels', () => {
    expect(problems({ constructor: 'y' })).toEqual(['label key "constructor" is a reserved name']);
    expect(problems(JSON.parse('{"__proto__":"y"}'))).toEqual(['label key "__proto__" is a reserved name']);
    expect(problems({ '': 'x' })).toEqual(['label key "" must not be empty']);
    expect(problems(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, 'v'])))[0]).toBe('must have at most 64 labels');
    expect(problems({ team: 'render', zone: 'eu' })).toEqual([]);
  });
});

describe('cursors and path segments', () => {
  const b64 = (text: string): string => Buffer.from(text).toString('base64url');
  it('refuses a crafted cursor by its shape', () => {
    expect(cursor.safeParse(b64('{"a":1e999}')).success).toBe(false);
    expect(cursor.safeParse(b64('{"a":{"b":1}}')).success).toBe(false);
    expect(cursor.safeParse(b64('[1,2]')).success).toBe(false);
    expect(cursor.safeParse('not base64!').success).toBe(false);
    expect(cursor.safeParse(b64('{"pk":"acme#task#1","sk":"2026"}')).success).toBe(true);
    expect(cursor.safeParse('50').success).toBe(true);
  });

  it('a malformed escape, an over-long or odd segment is a 400 naming the parameter', () => {
    for (const raw of ['%ZZ', '%E0%A4%A', 'a'.repeat(257), '..%2F', 'a%23b', 'a%00']) {
      expect(thrown(() => pathParameter({ pathParameters: { id: raw } }, 'id'))).toMatchObject({ status: 400, fields: [{ field: 'id' }] });
    }
    expect(decodePathId('job-1-reduce')).toEqual({ ok: true, value: 'job-1-reduce' });
    expect(decodePathId('job~1')).toEqual({ ok: true, value: 'job~1' });
  });

  it('a body over 6 MB is a 413', () => {
    expect(thrown(() => jsonBody({ body: `"${'x'.repeat(6 * 1024 * 1024)}"`, isBase64Encoded: false })).status).toBe(413);
  });
});

describe('tokens', () => {
  it('refuse a tenant name that could collide with an index or system key', async () => {
    const tokens = new MemoryTokenStore();
    for (const tenant of ['JOBS', 'local#agents', '', '-x', 'a'.repeat(64)]) {
      await expect(addToken(tokens, 't', tenant, 'test')).rejects.toMatchObject({ status: 400 });
    }
    await addToken(tokens, 'ops', 'acme', 'test', { operator: true });
    expect(await authorize(tokens, 'Bearer ops')).toEqual({ tenant: 'acme', operator: true });
  });

  it('grant nothing to a token stored for an invalid tenant name', async () => {
    const tokens = new MemoryTokenStore();
    await tokens.put((await import('../../shared/domain/token.js')).hashToken('old'), 'JOBS', 'legacy');
    expect(await authorize(tokens, 'Bearer old')).toBeUndefined();
  });
});
