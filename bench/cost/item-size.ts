/**
 * DynamoDB's item-size rules, as the capacity-unit math applies them
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * - an item is the sum of its attributes: name bytes (UTF-8) + value bytes;
 * - S: UTF-8 length; B: byte length; N: ceil(significant digits / 2) + 1
 *   (leading and trailing zeros do not count);
 * - BOOL and NULL: 1 byte;
 * - SS/NS/BS: the sum of their elements;
 * - L and M: 3 bytes + 1 byte per element + the elements (an M's keys count as names).
 * Values are AttributeValues as the SDK and the stream return them.
 */
import { marshall } from '@aws-sdk/util-dynamodb';

export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

export function numberSize(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function binarySize(b: unknown): number {
  if (b instanceof Uint8Array) return b.byteLength;
  if (typeof b === 'string') return Buffer.from(b, 'base64').byteLength;
  return 0;
}

export function valueSize(value: AttributeValue): number {
  if ('S' in value) return utf8(value.S as string);
  if ('N' in value) return numberSize(value.N as string);
  if ('B' in value) return binarySize(value.B);
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return (value.SS as string[]).reduce((n, s) => n + utf8(s), 0);
  if ('NS' in value) return (value.NS as string[]).reduce((n, s) => n + numberSize(s), 0);
  if ('BS' in value) return (value.BS as unknown[]).reduce((n: number, b) => n + binarySize(b), 0);
  if ('L' in value) {
    const list = value.L as AttributeValue[];
    return 3 + list.length + list.reduce((n, v) => n + valueSize(v), 0);
  }
  if ('M' in value) {
    const map = value.M as Item;
    return 3 + Object.keys(map).length + itemSize(map);
  }
  return 0;
}

export function itemSize(item: Item | undefined): number {
  if (item === undefined) return 0;
  let n = 0;
  for (const [name, value] of Object.entries(item)) n += utf8(name) + valueSize(value);
  return n;
}

/** Two attribute values are the same (for "did the projected attribute change"). */
export function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return JSON.stringify(a, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)) ===
    JSON.stringify(b, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
}

const TYPES = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'SS', 'NS', 'BS', 'L', 'M']);
const isAttributeValue = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && TYPES.has(Object.keys(v)[0] as string);

/**
 * The SDK middleware may see an item before or after lib-dynamodb's (un)marshalling,
 * depending on the client; size it as DynamoDB stores it either way.
 */
export function asItem(item: unknown): Item | undefined {
  if (item === undefined || item === null || typeof item !== 'object') return undefined;
  const values = Object.values(item);
  if (values.length > 0 && values.every(isAttributeValue)) return item as Item;
  return marshall(item as Record<string, unknown>, { removeUndefinedValues: true, convertClassInstanceToMap: true }) as unknown as Item;
}
