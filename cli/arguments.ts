import { InvalidArgumentError } from 'commander';

/** Whole numbers only, naming the option in the error. */
export const int =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return n;
  };

export const json = (value: string): unknown => {
  try {
    return JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be JSON, e.g. \'{"n": 1}\'');
  }
};

export const list = (value: string): string[] => value.split(',').map((v) => v.trim()).filter(Boolean);

/**
 * One of `values`, matched case-insensitively (`--status failed` is FAILED) and
 * returned as the API spells it.
 */
export const oneOf =
  <V extends string>(values: readonly V[]) =>
  (value: string): V => {
    const found = values.find((v) => v.toLowerCase() === value.trim().toLowerCase());
    if (found === undefined) throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return found;
  };

const RESOURCE_NAMES = ['cpu', 'gpu', 'memoryMb'] as const;
type ResourceName = (typeof RESOURCE_NAMES)[number];

/**
 * `--resources`: JSON (`'{"gpu": 2}'`) or `name=value` pairs, comma-separated
 * (`gpu=2,memoryMb=4096`), of cpu, gpu and memoryMb; the API checks the ranges.
 */
export const resources = (value: string): Partial<Record<ResourceName, number>> => {
  const text = value.trim();
  if (text.startsWith('{')) return json(text) as Partial<Record<ResourceName, number>>;
  const parsed: Partial<Record<ResourceName, number>> = {};
  for (const pair of list(text)) {
    const [name = '', amount = '', ...rest] = pair.split('=').map((part) => part.trim());
    const known = RESOURCE_NAMES.find((r) => r.toLowerCase() === name.toLowerCase());
    if (known === undefined || rest.length > 0) throw new InvalidArgumentError(`must be JSON or name=value pairs of ${RESOURCE_NAMES.join(', ')}, e.g. gpu=2,memoryMb=4096`);
    const n = Number(amount);
    if (amount === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${known} must be a number`);
    parsed[known] = n;
  }
  return parsed;
};
