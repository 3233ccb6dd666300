import { describe, expect, it } from 'vitest';
import { parseTaskInput } from '../../shared/domain/task-input.js';
import { LIMITS } from '../../shared/domain/limits.js';

const now = new Date('2026-01-01T00:00:00Z');
const fieldsOf = (raw: unknown): string[] => {
  const result = parseTaskInput(raw, now);
  return result.ok ? [] : result.fields.map((f) => f.field);
};

describe('parseTaskInput', () => {
  it('applies the defaults to a minimal task', () => {
    const result = parseTaskInput({ type: 'echo' }, now);
    expect(result).toEqual({
      ok: true,
      value: { type: 'echo', payload: null, priority: 'normal', requires: [], maxAttempts: 3, timeoutSeconds: 300, delaySeconds: 0 },
    });
  });

  it('accepts every documented field', () => {
    const result = parseTaskInput(
      {
        id: 'my-task_1',
        type: 'render.frame',
        payload: { frame: 1, tags: ['a'] },
        priority: 'critical',
        requires: ['gpu', 'gpu'],
        idempotencyKey: 'k-1',
        maxAttempts: 100,
        timeoutSeconds: 60,
        deadline: '2026-01-02T00:00:00Z',
        delaySeconds: 900,
        resources: { cpu: 2, gpu: 1, memoryMb: 4096 },
      },
      now,
    );
    expect(result.ok).toBe(true);
    expect(result.ok && result.value.requires).toEqual(['gpu']);
  });

  it('names a priority outside the enum', () => {
    const result = parseTaskInput({ type: 'echo', priority: 'urgent' }, now);
    expect(result).toEqual({ ok: false, fields: [{ field: 'priority', message: 'must be one of critical, high, normal, low' }] });
  });

  it('names every wrong field at once, unknown ones included', () => {
    expect(fieldsOf({ priority: 'urgent', maxAttempts: 0, delaySeconds: 31_536_001, prority: 'high' }).sort()).toEqual(
      ['delaySeconds', 'maxAttempts', 'priority', 'prority', 'type'].sort(),
    );
  });

  it.each([
    [{ type: '' }, 'type'],
    [{ type: 'has space' }, 'type'],
    [{ type: 'echo', maxAttempts: 101 }, 'maxAttempts'],
    [{ type: 'echo', maxAttempts: 1.5 }, 'maxAttempts'],
    [{ type: 'echo', timeoutSeconds: 0 }, 'timeoutSeconds'],
    [{ type: 'echo', delaySeconds: -1 }, 'delaySeconds'],
    [{ type: 'echo', requires: 'gpu' }, 'requires'],
    [{ type: 'echo', requires: [''] }, 'requires.0'],
    [{ type: 'echo', deadline: 'tomorrow' }, 'deadline'],
    [{ type: 'echo', id: 'a/b' }, 'id'],
    [{ type: 'echo', resources: { gpu: -1 } }, 'resources.gpu'],
    [{ type: 'echo', resources: { disk: 1 } }, 'resources.disk'],
  ])('rejects %j naming %s', (raw, field) => {
    expect(fieldsOf(raw)).toEqual([field]);
  });

  it('rejects a deadline that is not in the future', () => {
    expect(fieldsOf({ type: 'echo', deadline: '2025-12-31T23:59:59Z' })).toEqual(['deadline']);
  });

  it('rejects a payload over 256 KiB serialized, and accepts one just under', () => {
    const overhead = JSON.stringify({ s: '' }).length;
    const fits = { s: 'x'.repeat(LIMITS.payloadBytes - overhead) };
    const tooBig = { s: 'x'.repeat(LIMITS.payloadBytes - overhead + 1) };
    expect(parseTaskInput({ type: 'echo', payload: fits }, now).ok).toBe(true);
    expect(fieldsOf({ type: 'echo', payload: tooBig })).toEqual(['payload']);
  });

  it('counts payload size in UTF-8 bytes, not characters', () => {
    const payload = 'é'.repeat(LIMITS.payloadBytes / 2);
    expect(fieldsOf({ type: 'echo', payload })).toEqual(['payload']);
  });

  it('prefixes field names with the batch position', () => {
    const result = parseTaskInput({ priority: 'urgent', type: 'echo' }, now, 'tasks.3');
    expect(result.ok ? [] : result.fields.map((f) => f.field)).toEqual(['tasks.3.priority']);
  });

  it('rejects a body that is not an object', () => {
    expect(fieldsOf([1, 2])).toEqual(['body']);
    expect(fieldsOf(null)).toEqual(['body']);
  });
});
