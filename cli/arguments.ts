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
