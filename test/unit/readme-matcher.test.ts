import { describe, expect, it } from 'vitest';
import { lineMatches, matchOutput, unnoticedDeletions } from '../helpers/loose-match.js';
import { examplesOf } from '../helpers/readme-examples.js';

describe('the README test’s output matcher', () => {
  it('matches ids, times and durations loosely, and the rest exactly', () => {
    expect(lineMatches('{"id":"…","status":"PENDING"}', '{"id":"6f0c1e2a-1111-4222-8333-444455556666","status":"PENDING"}')).toBe(true);
    expect(lineMatches('{"status":"PENDING"}', '{"status":"ACTIVE"}')).toBe(false);
    expect(lineMatches('"nextRunAt":"2026-11-24T08:00:00.000Z"', '"nextRunAt":"2027-01-05T08:00:00.000Z"')).toBe(true);
    expect(lineMatches('{"id":"6f0c1e2a-1111-4222-8333-444455556666"}', '{"id":"0b7d7c2e-2222-4333-8444-555566667777"}')).toBe(true);
    expect(lineMatches('POST /tasks → 202 12ms', 'POST /tasks → 202 3ms')).toBe(true);
    expect(lineMatches('{"id":"wh_1234"}', '{"id":"wh_9f8e7d"}')).toBe(true);
    expect(lineMatches('a … c', 'a b b c')).toBe(true);
    expect(lineMatches('a … c', 'a b b d')).toBe(false);
    expect(lineMatches('(a+b)', '(a+b)')).toBe(true);
  });

  it('needs every printed line shown, and no line shown that was not printed', () => {
    expect(matchOutput(['one', 'two'], 'one\ntwo\n\n')).toEqual({ ok: true });
    expect(matchOutput(['one'], 'one\ntwo')).toMatchObject({ ok: false, reason: expect.stringContaining('not shown') });
    expect(matchOutput(['one', 'two', 'three'], 'one\ntwo')).toMatchObject({ ok: false, reason: expect.stringContaining('not printed') });
    expect(matchOutput(['\x1b[32mCOMPLETED\x1b[39m'], 'COMPLETED')).toEqual({ ok: true });
  });

  it('notices the deletion of any one line of a shown output', () => {
    const printed = '{\n  "id": "6f0c1e2a-1111-4222-8333-444455556666",\n  "status": "PENDING",\n  "pool": "general"\n}';
    const shown = ['{', '  "id": "…",', '  "status": "PENDING",', '  "pool": "general"', '}'];
    expect(matchOutput(shown, printed)).toEqual({ ok: true });
    expect(unnoticedDeletions(shown, printed)).toEqual([]);
    for (let i = 0; i < shown.length; i++) expect(matchOutput(shown.toSpliced(i, 1), printed).ok).toBe(false);
  });
});

describe('the README test’s example extractor', () => {
  const doc = [
    'Some text.',
    '',
    '```sh',
    '# a comment for the reader',
    "curl -s -X POST \"$URL/tasks\" -d '{",
    '  "type": "echo"',
    "}'",
    '# {"id":"…"}',
    'echo two \\',
    '  three   # an inline comment',
    '# two three',
    '',
    '# more words for the reader',
    'true',
    '```',
    '',
    '```ts',
    "console.log('hi');",
    '```',
    '',
    '```text output',
    'hi',
    '```',
    '',
    '```sh',
    '# not run: deploys to AWS',
    'npx cdk deploy',
    '```',
    '',
    '```json',
    '{"error":{}}',
    '```',
  ].join('\n');

  it('finds each command with its continuation lines and the output shown after it', () => {
    const [sh, ts, skipped, other] = examplesOf(doc);
    expect(sh).toEqual({
      kind: 'sh',
      line: 3,
      commands: [
        { line: 5, command: "curl -s -X POST \"$URL/tasks\" -d '{\n  \"type\": \"echo\"\n}'", expected: ['{"id":"…"}'] },
        { line: 9, command: 'echo two \\\n  three   # an inline comment', expected: ['two three'] },
        { line: 14, command: 'true' },
      ],
    });
    expect(ts).toEqual({ kind: 'ts', line: 17, code: "console.log('hi');", expected: ['hi'] });
    expect(skipped).toEqual({ kind: 'sh', line: 25, commands: [], notRun: 'deploys to AWS' });
    expect(other).toEqual({ kind: 'other', line: 30, info: 'json' });
  });
});
