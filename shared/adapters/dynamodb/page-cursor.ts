import { ValidationError } from '../../errors.js';

/**
 * A query's LastEvaluatedKey as an opaque, URL-safe cursor, and back. A cursor
 * that does not decode is a 400 naming `cursor`, never a 500.
 */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof key === 'object' && key !== null && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalidCursor();
}

export const invalidCursor = (): ValidationError =>
  new ValidationError([{ field: 'cursor', message: 'is not a cursor this list returned' }]);
