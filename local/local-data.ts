import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where `npm start` keeps its state between runs: DynamoDB Local's files and
 * the pid files that let a start find what an earlier, killed run left behind.
 */
export const LOCAL_DATA_DIR = resolve(process.env.TASKFLEET_DATA_DIR ?? resolve(import.meta.dirname, '..', '.localdata'));

export const localPaths = (root = LOCAL_DATA_DIR) => ({
  root,
  dynamodb: join(root, 'dynamodb'),
  /** The java child's pid, written when it starts, removed when it stops. */
  dynamodbPid: join(root, 'dynamodb.pid'),
  /** The `npm start` process's pid: a second start refuses while it runs. */
  runtimePid: join(root, 'taskfleet.pid'),
});

/** `--fresh`: forget every task, token and agent of earlier runs. */
export function wipeLocalData(root = LOCAL_DATA_DIR): void {
  rmSync(localPaths(root).dynamodb, { recursive: true, force: true });
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The command line of a running process, or undefined when there is none. */
function commandOf(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  const ps = spawnSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
  const command = ps.status === 0 ? ps.stdout.trim() : '';
  return command === '' ? undefined : command;
}

export class AlreadyRunningError extends Error {
  constructor(pid: number, file: string) {
    super(`taskfleet is already running from this folder (pid ${pid}). Stop it (Ctrl-C in its terminal, or kill ${pid}) first; if that is not taskfleet, delete ${file}.`);
    this.name = 'AlreadyRunningError';
  }
}

/**
 * Claims the data folder for this process. Throws AlreadyRunningError when
 * another `npm start` (a live node process) holds it; stops an orphaned
 * DynamoDB Local (a live java process running DynamoDBLocal, whose parent was
 * killed) so it cannot keep the port and serve stale data beside empty queues.
 * Returns what it did, for the log.
 */
export async function claimLocalData(root = LOCAL_DATA_DIR): Promise<string[]> {
  const paths = localPaths(root);
  mkdirSync(root, { recursive: true });
  const notes: string[] = [];
  const runtimePid = readPid(paths.runtimePid);
  if (runtimePid !== undefined && runtimePid !== process.pid && /\bnode\b/.test(commandOf(runtimePid) ?? '')) {
    throw new AlreadyRunningError(runtimePid, paths.runtimePid);
  }
  writeFileSync(paths.runtimePid, String(process.pid));
  const javaPid = readPid(paths.dynamodbPid);
  if (javaPid !== undefined) {
    const command = commandOf(javaPid);
    if (command !== undefined && /java/.test(command) && /DynamoDbLocal|DynamoDBLocal/i.test(command)) {
      await stopProcess(javaPid);
      notes.push(`stopped an orphaned DynamoDB Local (pid ${javaPid}) left by an earlier run`);
    }
    unlinkSync(paths.dynamodbPid);
  }
  return notes;
}

/** Forgets this process's claim (on a clean stop). */
export function releaseLocalData(root = LOCAL_DATA_DIR): void {
  const paths = localPaths(root);
  for (const file of [paths.runtimePid, paths.dynamodbPid]) rmSync(file, { force: true });
}

async function stopProcess(pid: number): Promise<void> {
  const alive = (): boolean => commandOf(pid) !== undefined;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
}
