import type { FieldError } from '../errors.js';
import { joinField } from './validation.js';

/**
 * What every JSON body must be, on every route, before any schema sees it: the
 * checks that JSON.parse cannot make and a schema of opaque values (payloads,
 * templates, items) would let through to a store.
 *
 * - A number JSON cannot hold is refused, not changed: `1e309` parses as Infinity,
 *   which JSON.stringify would later write as `null`.
 * - Numbers beyond ±(2^53 − 1) are refused: JSON.parse has already rounded them
 *   (9007199254740993 arrives as …992), and DynamoDB's marshaller throws on them.
 *   A client with larger values sends them as strings.
 * - Keys `__proto__`, `constructor` and `prototype` are refused at any depth: the
 *   first sets a prototype when a consumer merges the value, and the DynamoDB
 *   marshaller reads `constructor` as the value's class.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Wrong values named at most: a body of 10,000 bad numbers gets a short answer. */
const MAX_PROBLEMS = 20;

export const BODY_RULES = {
  nonFinite: 'is a number JSON cannot hold (it overflows to infinity)',
  unsafe: `is beyond ±${Number.MAX_SAFE_INTEGER} (2^53 − 1), where numbers lose precision; send it as a string`,
  reservedKey: 'is a reserved name (it reaches an object’s prototype in JavaScript)',
} as const;

interface Node {
  readonly value: unknown;
  readonly depth: number;
  readonly parent?: Node;
  readonly key?: string;
}

/** A node's field name (`task.payload.items.3`), built only for a node that is wrong. */
function fieldOf(node: Node | undefined, key?: string): string {
  const keys: string[] = key === undefined ? [] : [key];
  for (let n = node; n?.key !== undefined; n = n.parent) keys.unshift(n.key);
  return keys.reduce(joinField, '') || 'body';
}

/**
 * Walks a parsed body without recursion (a 3,000-level document cannot overflow
 * the stack): `tooDeep` once it nests past `maxDepth` (the walk stops there),
 * else the fields whose number or key breaks a rule above.
 */
export function jsonBodyProblems(body: unknown, maxDepth: number): { readonly tooDeep: boolean; readonly fields: readonly FieldError[] } {
  const fields: FieldError[] = [];
  const add = (field: string, message: string): void => {
    if (fields.length < MAX_PROBLEMS) fields.push({ field, message });
  };
  const stack: Node[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const { value } = node;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) add(fieldOf(node), BODY_RULES.nonFinite);
      else if (Math.abs(value) > Number.MAX_SAFE_INTEGER) add(fieldOf(node), BODY_RULES.unsafe);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const depth = node.depth + 1;
    if (depth > maxDepth) return { tooDeep: true, fields };
    for (const [key, child] of Object.entries(value)) {
      if (!Array.isArray(value) && RESERVED_KEYS.has(key)) add(fieldOf(node, key), BODY_RULES.reservedKey);
      if (typeof child === 'number' || (typeof child === 'object' && child !== null)) stack.push({ value: child, depth, parent: node, key });
    }
  }
  return { tooDeep: false, fields };
}
