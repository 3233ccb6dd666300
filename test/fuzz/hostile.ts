import fc from 'fast-check';

/**
 * Generators of hostile input: strings, path segments, query strings and JSON
 * bodies a careless or malicious client could send. Each `invalid*` generator
 * yields only values the API must refuse, so a refused request can be checked
 * to have written nothing.
 */

const sized = (n: number, unit = 'a'): string => unit.repeat(n);

/** Percent-encodes the UTF-8 bytes of any string (lone surrogates too, which encodeURIComponent throws on). */
export const pctEncode = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** Strings at the edges: lengths at the limits, odd unicode, escapes, prototype names. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    '#',
    'a#b',
    '~x',
    '../..',
    'a/b',
    '\u0000',
    '\u202e\u0645\u0631\u062d\u0628\u0627',
    '\ud800',
    '\uffff',
    '👩‍👩‍👧‍👦',
    'Z\u0351\u0350\u0324\u0354',
    sized(64),
    sized(65),
    sized(128),
    sized(129),
    sized(256),
    sized(257),
    sized(3000),
    sized(200, 'é'),
  ),
);

/** Deep JSON text: `[[[…]]]` or `{"a":{"a":…}}`, 65 to 3,000 levels. */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 65, max: 3000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** A JSON value nested 65..200 levels (as a value, to place inside a body). */
export const deepValue: fc.Arbitrary<unknown> = fc.integer({ min: 65, max: 200 }).map((depth) => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
});

/** Any small JSON value, including odd strings. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  oddString,
  fc.constantFrom(null, true, 0, -1, 1.5, 1e308, -0, [], {}),
);

/** A `{id}` path segment as sent on the wire: encoded odd strings, raw bad escapes, over-long runs. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  oddString.filter((s) => s !== '').map((s) => pctEncode(s)),
  fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%C0%AF', '%00', '%2F', '%23', '%7E', 'a%', '%%', '%25ZZ', sized(257), sized(3000), `${sized(300, '%41')}`),
  fc.stringMatching(/^[A-Za-z0-9%._~-]{1,40}$/),
);

/** A query string: random and hostile names and values, odd cursors. */
export const hostileQuery: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('status', 'pool', 'limit', 'cursor', 'type', 'order', 'priority', '__proto__', 'constructor'), oddString),
      fc.oneof(
        oddString,
        fc.constantFrom('-1', '0', '101', '1e999', 'NaN', 'PENDING', 'general', '%ZZ'),
        fc.constantFrom('{"a":1e999}', '{"a":{"b":1}}', '[1]', '"x"', '{"pk":"JOBS#ACTIVE"}', '{"__proto__":1}').map((s) => Buffer.from(s).toString('base64url')),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${pctEncode(k)}=${pctEncode(v)}`).join('&'));

/** A body that is not a JSON object the route can take: garbage text, deep nesting, random JSON. */
export const hostileBodyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '{"a":', 'null', '[]', '"x"', '1e999', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '\u0000', '{}{}', 'NaN', '{"a":Infinity}', '{"a":1e309}', '[9007199254740993]', '\ufeff{}'),
  fc.string({ maxLength: 40 }),
  deepJsonText,
  anyJson.map((v) => JSON.stringify(v) ?? 'null'),
);

/**
 * Bodies built from a valid `base` with at least one field made wrong (a value
 * from `invalid[field]`), or an unknown or prototype key added: each must be refused.
 */
export function invalidBody(base: Record<string, unknown>, invalid: Record<string, fc.Arbitrary<unknown>>, strict = true): fc.Arbitrary<string> {
  const fieldMutation = fc.constantFrom(...Object.keys(invalid)).chain((field) => invalid[field]!.map((value) => ({ field, value })));
  const mutations = fc.array(fieldMutation, { minLength: 1, maxLength: 3 });
  const mutated = fc.tuple(mutations, fc.option(fc.constantFrom('__proto__', 'constructor', 'x-unknown', ''))).map(([changes, extra]) => {
    const body: Record<string, unknown> = { ...base };
    for (const { field, value } of changes) body[field] = value;
    let text = withRawNumbers(JSON.stringify(body));
    // An extra key in the text itself: JSON.parse makes `__proto__` an own key, as a real request would.
    if (extra !== null && strict) text = `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(extra)}:1}`;
    return text;
  });
  return fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: hostileBodyText.filter((t) => !isValidJsonObjectWith(t, base)) });
}

/** Whether `text` is JSON holding every key of `base` (a random body could in principle be valid). */
function isValidJsonObjectWith(text: string, base: Record<string, unknown>): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && Object.keys(base).every((k) => k in value);
  } catch {
    return false;
  }
}

/**
 * Number literals JSON text can hold but a JavaScript number cannot: overflow to
 * infinity, integers past 2^53 (already rounded by JSON.parse), underflow, `-0`.
 * JSON.stringify cannot write them, so a generated value carries a marker that
 * `withRawNumbers` turns into the literal in the body's text.
 */
export const RAW_NUMBERS = ['1e309', '-1e309', '1e400', '9007199254740993', '-9007199254740993', '1e21', '123456789012345678901234567890', '18446744073709551616'] as const;
export const rawNumber: fc.Arbitrary<unknown> = fc.constantFrom(...RAW_NUMBERS).map((literal) => `\u0000raw:${literal}`);

/** The body text with each raw-number marker (a JSON string) replaced by its bare literal. */
export function withRawNumbers(text: string): string {
  return text.replace(/"\\u0000raw:([-0-9.e]+)"/g, '$1');
}

/** Prototype keys nested in an otherwise ordinary JSON value (own keys, as JSON.parse makes them). */
export const prototypeNested: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.integer({ min: 0, max: 4 }))
  .map(([key, depth]) => JSON.parse(`${'{"a":'.repeat(depth)}{${JSON.stringify(key)}:{"polluted":true}}${'}'.repeat(depth)}`) as unknown);

/** An opaque JSON field (payload, result, item, template) that no route may take: too deep, a number JSON cannot carry, a prototype key. */
export const poisonJson: fc.Arbitrary<unknown> = fc.oneof(
  deepValue,
  prototypeNested,
  fc.tuple(rawNumber, fc.integer({ min: 0, max: 3 })).map(([n, depth]) => {
    let value: unknown = n;
    for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { n: value } : [1, value];
    return value;
  }),
);

const wrongTypes = fc.constantFrom<unknown>(null, 7, true, [], {}, '');
export const invalidFor = {
  string: (max: number): fc.Arbitrary<unknown> => fc.oneof(wrongTypes, fc.constant(sized(max + 1)), fc.constant(sized(max * 10 + 1)), deepValue),
  id: fc.oneof(wrongTypes, fc.constantFrom<unknown>('a#b', '~x', 'a/b', '-a', sized(129), 'é', '\u0000', '__proto__')),
  int: (min: number, max: number): fc.Arbitrary<unknown> =>
    fc.oneof(fc.constantFrom<unknown>(min - 1, max + 1, 1.5, '3', null, [], 1e999, {}), fc.integer({ min: max + 1 }), fc.integer({ max: min - 1 }), rawNumber),
};
