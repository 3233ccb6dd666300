import { findConnection, removeConnectionFile, writeConnectionFile } from '../shared/connection-file.js';

/**
 * `npm start` leaves its URL and token in the user's config folder (see
 * shared/connection-file.ts), so `npm run demo` and the `taskfleet` command
 * find the local stack from any folder without copying the token by hand.
 */
export { findConnection };

/** Writes the connection file; returns its removal (at stop: only if it still names this stack's URL). */
export function rememberConnection(url: string, token: string): () => void {
  writeConnectionFile({ url, token });
  return () => removeConnectionFile(url);
}
