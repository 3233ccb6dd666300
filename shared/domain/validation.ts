import { z } from 'zod';
import type { FieldError } from '../errors.js';

/**
 * The shared pieces of every argument check (pg-boss calls its module `attorney`):
 * ids, keys, labels, resources, bounded JSON, cursors, and the wording of each
 * message. Everything a request carries is bounded here before any store sees it:
 * an unbounded string or a deep document reaching DynamoDB is a 500, not a 400.
 */

/**
 * The one id rule (README, "Bad input"): a task's own `id`, and every id the API
 * makes (jobs and schedules: UUIDs; webhooks: `wh_…`), follow it. No `#` (the key
 * separator), `/`, nor `~`, which is kept for ids derived from another
 * (`<job>~3`, `<job>~reduce`, `<id>~then`).
 */
const ID_CHARACTERS = 'A-Za-z0-9._:-';
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9][${ID_CHARACTERS}]{0,127}$`);
export const ID_RULE = '1 to 128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';

/** A `{id}` path segment: an id by the rule, or one derived from it with `~`. */
const PATH_ID_PATTERN = new RegExp(`^[A-Za-z0-9][~${ID_CHARACTERS}]*$`);
export const MAX_PATH_SEGMENT_BYTES = 256;

/** Printable ASCII without `#`. */
const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x22\x24-\x7e]+$/;

/** Nesting of any JSON document a request carries (payloads, results, items). */
export const MAX_JSON_DEPTH = 64;
export const MAX_LABELS = 64;
/** Keys that would reach an object's prototype, or shadow one of its methods, when used as a property name. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

const TYPE_NAMES: Record<string, string> = { int: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', array: 'an array', object: 'an object' };
const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);
const unit = (origin: string | undefined): string => (origin === 'string' ? ' characters' : origin === 'array' || origin === 'set' ? ' items' : origin === 'object' ? ' keys' : '');

/**
 * The wording of zod's issues, for every schema of the API: says what is wrong
 * with the value given ("must be at most 128 characters"), and "is required" only
 * when the field is missing.
 */
export const fieldMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `is required (${TYPE_NAMES[issue.expected] ?? issue.expected})`;
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, not ${describe(issue.input)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${unit(issue.origin)}`;
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)}${unit(issue.origin)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return undefined;
  }
};
z.config({ customError: fieldMessage });

/** A bounded string; `rule` says what the pattern allows. */
export const boundedString = (max: number): z.ZodString => z.string().min(1).max(max);

export const userId = z.string().max(128).regex(ID_PATTERN, `must be ${ID_RULE}`);
export const idempotencyKey = boundedString(256).regex(IDEMPOTENCY_KEY_PATTERN, 'must be printable ASCII characters other than "#"');
/** Names of task types and capabilities. */
export const typeName = boundedString(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", ":", "_" or "-", starting with a letter or digit');
export const capability = boundedString(64).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", ":", "_" or "-", starting with a letter or digit');
export const leaseToken = boundedString(256);

/** cpu, gpu and memory a task needs or an agent offers. */
export const resources = z.strictObject({
  cpu: z.number().positive().max(1024).optional(),
  gpu: z.int().min(0).max(64).optional(),
  memoryMb: z.int().positive().max(4_194_304).optional(),
});

/**
 * How deep `value` nests, counted without recursion (an explicit stack), so a
 * 3,000-level document cannot overflow the call stack. Stops counting past `limit`.
 */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof node !== 'object' || node === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: level });
  }
  return deepest;
}

/** A depth error's message, shared by the body check and the field check. */
export const tooDeep = (limit = MAX_JSON_DEPTH): string => `nests deeper than ${limit} levels`;

/**
 * Any JSON value nested at most MAX_JSON_DEPTH levels. The depth is checked
 * first, without recursion, so z.json()'s recursive walk only sees shallow documents.
 */
export const boundedJson = z
  .unknown()
  .check((ctx) => {
    if (jsonDepth(ctx.value) > MAX_JSON_DEPTH) ctx.issues.push({ code: 'custom', message: tooDeep(), input: ctx.value, continue: false });
  })
  .pipe(z.json());

/**
 * A flat map from names to `value`, without empty or prototype keys and with at
 * most `maxKeys` entries. The keys are checked on the input, before zod copies
 * them into a new object (where `__proto__` would set the prototype, not a key).
 */
function flatRecord<V extends z.ZodType<string | number>>(value: V, maxKeys: number, what: string) {
  return z
    .unknown()
    .check((ctx) => {
      const input = ctx.value;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return;
      const keys = Object.keys(input);
      if (keys.length > maxKeys) {
        ctx.issues.push({ code: 'custom', message: `must have at most ${maxKeys} ${what}s`, input, continue: false });
        return;
      }
      for (const key of keys) {
        const problem = key === '' ? 'must not be empty' : key.length > 64 ? 'must be at most 64 characters' : PROTOTYPE_KEYS.has(key) ? 'is a reserved name' : undefined;
        if (problem !== undefined) ctx.issues.push({ code: 'custom', message: `${what} key "${key.slice(0, 64)}" ${problem}`, input, continue: false });
      }
    })
    .pipe(z.record(z.string(), value));
}

/** Labels of an agent: a flat string map. */
export const labels = flatRecord(z.string().max(256), MAX_LABELS, 'label');

/** A task's `prefers`: capability or label → weight. */
export const weights = flatRecord(z.number().min(-100).max(100), 64, 'preference');

/**
 * A list cursor, checked by its shape before a store decodes it: base64url text,
 * and, when it holds JSON, a flat object of strings and finite numbers (the
 * shape of a DynamoDB start key). A crafted cursor (`{"a":1e999}`) is a 400, not
 * a start key the SDK cannot marshal.
 */
export const cursor = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor this list returned')
  .check((ctx) => {
    if (!isWellFormedCursor(ctx.value)) ctx.issues.push({ code: 'custom', message: 'is not a cursor this list returned', input: ctx.value });
  });

function isWellFormedCursor(text: string): boolean {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return true; // not JSON: an opaque cursor (e.g. an offset) the store checks itself
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return typeof decoded === 'number' && Number.isFinite(decoded);
  const entries = Object.entries(decoded);
  return (
    entries.length <= 8 &&
    entries.every(([key, value]) => /^[A-Za-z0-9_]{1,64}$/.test(key) && ((typeof value === 'string' && value.length <= 1024) || (typeof value === 'number' && Number.isFinite(value))))
  );
}

/**
 * A `{id}` path segment, decoded; or what is wrong with it. A malformed `%`
 * escape, more than MAX_PATH_SEGMENT_BYTES, or a character no id can hold.
 */
export function decodePathId(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  if (Buffer.byteLength(raw, 'utf8') > MAX_PATH_SEGMENT_BYTES * 3) return { ok: false, message: `must be at most ${MAX_PATH_SEGMENT_BYTES} bytes` };
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return { ok: false, message: 'has a malformed %-escape' };
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_PATH_SEGMENT_BYTES) return { ok: false, message: `must be at most ${MAX_PATH_SEGMENT_BYTES} bytes` };
  if (!PATH_ID_PATTERN.test(value)) return { ok: false, message: 'must be letters, digits, ".", "_", ":", "~" or "-", starting with a letter or digit' };
  return { ok: true, value };
}

/** zod issues → one FieldError per wrong field (unknown keys named one by one; a field's first issue wins). */
export function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const issue of error.issues) {
    const path = joinField(prefix, issue.path.map(String).join('.'));
    const found =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: joinField(path, key), message: 'is not a known field' }))
        : [{ field: path || 'body', message: issue.message }];
    for (const fieldError of found) if (!byField.has(fieldError.field)) byField.set(fieldError.field, fieldError);
  }
  return [...byField.values()];
}

export function joinField(prefix: string, field: string): string {
  if (prefix === '') return field;
  if (field === '') return prefix;
  return `${prefix}.${field}`;
}
