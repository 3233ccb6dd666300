import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where `npm start` leaves its URL and token, so `npm run demo` (and the CLI)
 * find the local stack without copying the token by hand. Git-ignored.
 */
const FILE = resolve(import.meta.dirname, '..', '.localdata', 'local.json');

export interface Connection {
  readonly url: string;
  readonly token: string;
}

export function rememberConnection(url: string, token: string): void {
  mkdirSync(resolve(FILE, '..'), { recursive: true });
  writeFileSync(FILE, JSON.stringify({ url, token }), { mode: 0o600 });
}

export function forgetConnection(): void {
  rmSync(FILE, { force: true });
}

/** TASKFLEET_URL / TASKFLEET_TOKEN when set, else what a running `npm start` left. */
export function findConnection(env: NodeJS.ProcessEnv = process.env): Connection | undefined {
  let saved: Partial<Connection> = {};
  try {
    saved = JSON.parse(readFileSync(FILE, 'utf8')) as Partial<Connection>;
  } catch {
    // no local stack running
  }
  const url = env.TASKFLEET_URL ?? saved.url;
  const token = env.TASKFLEET_TOKEN ?? saved.token;
  return url !== undefined && token !== undefined ? { url, token } : undefined;
}
