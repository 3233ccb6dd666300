import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { responseChecker } from '../../local/response-check.js';

const json = (statusCode: number, body: unknown) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the response check', () => {
  it('passes answers that fit their route and status, and records each one that does not', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'response-check-')), 'mismatches.jsonl');
    const check = responseChecker(file);

    check('POST /tasks', json(202, { id: 't1', status: 'PENDING', pool: 'default', priority: 'normal' }));
    check('GET /tasks/{id}', json(404, { error: { code: 'not_found', message: 'task t1 not found' } }));
    check('DELETE /schedules/{id}', { statusCode: 204, headers: {}, body: '' });
    check('POST /tasks', json(202, { id: 't1', status: 'PENDING', pool: 'default', priority: 'urgent' }));
    check('POST /tasks', json(202, { id: 't1', status: 'PENDING', pool: 'default', priority: 'normal', extra: 1 }));
    check('GET /health', json(418, { status: 'ok' }));

    const mismatches = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { routeKey: string; status: number; problem: unknown });
    expect(mismatches.map((m) => `${m.routeKey} ${m.status}`)).toEqual(['POST /tasks 202', 'POST /tasks 202', 'GET /health 418']);
    expect(JSON.stringify(mismatches[0]?.problem)).toContain('/priority');
    expect(JSON.stringify(mismatches[1]?.problem)).toContain('additionalProperties');
    expect(readFileSync(`${file}.count`, 'utf8')).toHaveLength(6);
  });
});
