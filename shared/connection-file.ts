import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a running `npm start` leaves its URL and token, so the `taskfleet`
 * command (installed anywhere) and `npm run demo` find the local stack from any
 * folder: `$XDG_CONFIG_HOME/taskfleet/connection.json`, else
 * `~/.config/taskfleet/connection.json`. Readable by the user only (0600).
 * Shared by local/ (writes it) and cli/ (reads it), which must not import each other.
 */
export function connectionFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'taskfleet', 'connection.json');
}

export interface Connection {
  readonly url: string;
  readonly token: string;
}

export function writeConnectionFile(connection: Connection, env: NodeJS.ProcessEnv = process.env): void {
  const file = connectionFilePath(env);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(connection), { mode: 0o600 });
}

export function readConnectionFile(env: NodeJS.ProcessEnv = process.env): Partial<Connection> {
  try {
    const saved = JSON.parse(readFileSync(connectionFilePath(env), 'utf8')) as Partial<Connection>;
    return typeof saved === 'object' && saved !== null ? saved : {};
  } catch {
    return {}; // no local stack running (or a file we cannot read)
  }
}

/** Removes the file only while it still names `url`: a second stack started since keeps its own. */
export function removeConnectionFile(url: string, env: NodeJS.ProcessEnv = process.env): void {
  if (readConnectionFile(env).url === url) rmSync(connectionFilePath(env), { force: true });
}

/** TASKFLEET_URL / TASKFLEET_TOKEN when set, else what a running `npm start` left. */
export function findConnection(env: NodeJS.ProcessEnv = process.env): Connection | undefined {
  const saved = readConnectionFile(env);
  const url = env.TASKFLEET_URL || saved.url;
  const token = env.TASKFLEET_TOKEN || saved.token;
  return url && token ? { url, token } : undefined;
}
