import { describe, expect, it } from 'vitest';
import { BODY_RULES, jsonBodyProblems } from '../../shared/domain/json-body.js';
import { jsonBody } from '../../shared/http/request.js';
import { ValidationError } from '../../shared/errors.js';

const problems = (text: string) => jsonBodyProblems(JSON.parse(text) as unknown, 68);
const refusal = (text: string): unknown => {
  try {
    jsonBody({ body: text, isBase64Encoded: false });
  } catch (error) {
    return error instanceof ValidationError ? error.toJSON() : error;
  }
  return undefined;
};

describe('what every JSON body must be', () => {
  it('names a number that overflows to infinity instead of letting it become null', () => {
    expect(problems('{"map":{"type":"m","items":[1,1e309]}}').fields).toEqual([{ field: 'map.items.1', message: BODY_RULES.nonFinite }]);
    expect(problems('{"a":-1e309}').fields).toEqual([{ field: 'a', message: BODY_RULES.nonFinite }]);
  });

  it('names integers beyond 2^53 − 1, which JSON.parse has already rounded', () => {
    expect(problems('{"task":{"payload":{"n":9007199254740993,"m":1e21,"ok":9007199254740991,"f":1.5e-300}}}').fields).toEqual([
      { field: 'task.payload.m', message: BODY_RULES.unsafe },
      { field: 'task.payload.n', message: BODY_RULES.unsafe },
    ]);
  });

  it('names __proto__, constructor and prototype keys at any depth, but not as array items or values', () => {
    const found = problems('{"task":{"payload":{"a":{"__proto__":{"x":1}},"b":[{"constructor":1}],"c":"constructor","prototype":0}}}').fields.map((f) => f.field);
    expect(found.sort()).toEqual(['task.payload.a.__proto__', 'task.payload.b.0.constructor', 'task.payload.prototype']);
  });

  it('reports too deep before anything else, and at most 20 problems', () => {
    expect(problems(`${'['.repeat(100)}${']'.repeat(100)}`).tooDeep).toBe(true);
    expect(problems(JSON.stringify({ items: Array.from({ length: 500 }, () => 1) }).replaceAll('1', '1e400')).fields).toHaveLength(20);
  });

  it('is a 400 naming the field from the shared body parser, on every route', () => {
    expect(refusal('{"payload":{"n":1e309}}')).toMatchObject({ error: { code: 'invalid_request', fields: [{ field: 'payload.n', message: BODY_RULES.nonFinite }] } });
    expect(refusal('{"type":"x","payload":{"big":18446744073709551616}}')).toMatchObject({ error: { fields: [{ field: 'payload.big' }] } });
    expect(refusal('{"type":"x","payload":{"ok":[1.5, -2, 9007199254740991]}}')).toBeUndefined();
  });
});
