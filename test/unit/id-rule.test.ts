import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodePathId, ID_PATTERN } from '../../shared/domain/validation.js';

describe('the one id rule', () => {
  it('holds every id the API makes, and the ids users chose before', () => {
    for (const id of [randomUUID(), `wh_${randomUUID().replace(/-/g, '').slice(0, 20)}`, 'deploy-1', 'a', 'render.frame:1_x', 'A'.repeat(128)]) expect(ID_PATTERN.test(id)).toBe(true);
  });

  it('refuses what would break a key or a path, and leaves `~` to derived ids', () => {
    for (const id of ['', '-lead', 'a#b', 'a/b', 'a~b', 'A'.repeat(129), 'é']) expect(ID_PATTERN.test(id)).toBe(false);
    expect(decodePathId('job-1~reduce')).toEqual({ ok: true, value: 'job-1~reduce' });
    expect(decodePathId('job-1~reduce~then')).toEqual({ ok: true, value: 'job-1~reduce~then' });
    expect(decodePathId('a%23b')).toMatchObject({ ok: false });
  });
});
