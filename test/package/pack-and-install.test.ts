import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rootPackage from '../../package.json' with { type: 'json' };
import type { LocalStack } from '../../local/runtime.js';
import { startTestStack } from '../helpers/local-stack.js';

/**
 * What a user of the published packages meets: `npm pack` both packages, install
 * each tarball ALONE into its own temp folder outside the repo (so nothing resolves
 * from the repo's node_modules, and neither package leans on the other's tarball:
 * `taskfleet` carries its copy of the SDK in bundleDependencies), then run the
 * command — against a local stack too — and import the SDK from JS and from strict
 * NodeNext TypeScript. Installs come from the local npm cache when it has the
 * packages (`--prefer-offline`).
 */
const repo = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let work: string;
/** Where only the `taskfleet` tarball is installed. */
let cliApp: string;
/** Where only the `@taskfleet/sdk` tarball is installed. */
let app: string;
const timings: Record<string, number> = {};

/** The environment without what `npm test` itself set (npm_config_*, npm_package_*), which would steer the nested npm. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_PATH' && name !== 'NODE_OPTIONS'));

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
}

const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'taskfleet-pack-'));
  app = join(work, 'app');
  cliApp = join(work, 'cli-app');
  await timed('pack', () => npm(['pack', '--workspaces', '--include-workspace-root', '--pack-destination', work], repo));
  const tarballs = (await readdir(work)).filter((f) => f.endsWith('.tgz'));
  expect(tarballs.sort()).toEqual([`taskfleet-${rootPackage.version}.tgz`, `taskfleet-sdk-${rootPackage.version}.tgz`]);
  for (const [folder, tarball] of [[app, `taskfleet-sdk-${rootPackage.version}.tgz`], [cliApp, `taskfleet-${rootPackage.version}.tgz`]] as const) {
    await mkdir(folder);
    await writeFile(join(folder, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
    await timed(`install ${tarball}`, () => npm(['install', '--prefer-offline', join(work, tarball)], folder));
  }
}, 240_000);

afterAll(async () => {
  console.log(`pack-and-install timings (ms): ${JSON.stringify(timings)}`);
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the taskfleet tarball, installed alone', () => {
  const taskfleet = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(join(cliApp, 'node_modules', '.bin', 'taskfleet'), args, { cwd: cliApp, env: { ...cleanEnv(), ...env } });

  it('runs `taskfleet --help` and `taskfleet --version`', async () => {
    const help = await timed('--help', () => taskfleet(['--help']));
    expect(help.stdout).toContain('Usage: taskfleet');
    const version = await timed('--version', () => taskfleet(['--version']));
    expect(version.stdout.trim()).toBe(rootPackage.version);
  });

  it('submits a task to a running stack and waits for its result', async () => {
    let stack: LocalStack | undefined;
    try {
      stack = await startTestStack({ workers: true, events: false });
      const env = { TASKFLEET_URL: stack.apiUrl, TASKFLEET_TOKEN: stack.token, NO_COLOR: '1' };
      // Off a terminal the submitted task goes to stdout and each change of its status to stderr.
      const { stdout, stderr } = await timed('submit --wait', () => taskfleet(['submit', 'echo', '--payload', '{"hello":"from the tarball"}', '--wait'], env));
      expect(JSON.parse(stdout)).toMatchObject({ status: 'PENDING', created: true });
      expect(stderr).toContain('COMPLETED');
      expect(stderr).toContain('from the tarball');
    } finally {
      await stack?.stop();
    }
  });

  it('gives the SDK as `taskfleet` too, from its bundled copy', async () => {
    await writeFile(join(cliApp, 'check.mjs'), `import { TaskfleetClient, Worker } from 'taskfleet';\nconsole.log(typeof TaskfleetClient, typeof Worker);`);
    const { stdout } = await timed('import taskfleet', () => run('node', ['check.mjs'], { cwd: cliApp, env: cleanEnv() }));
    expect(stdout.trim()).toBe('function function');
  });
});

describe('the @taskfleet/sdk tarball, installed alone', () => {
  it('imports from a plain .mjs', async () => {
    await writeFile(
      join(app, 'check.mjs'),
      `import { TaskfleetClient, Worker, TaskfleetApiError } from '@taskfleet/sdk';
const client = new TaskfleetClient({ url: 'http://127.0.0.1:1', token: 't' });
console.log(typeof client.submit, typeof Worker, typeof TaskfleetApiError);`,
    );
    const { stdout } = await timed('import .mjs', () => run('node', ['check.mjs'], { cwd: app, env: cleanEnv() }));
    expect(stdout.trim()).toBe('function function function');
  });

  it('typechecks TypeScript that uses the SDK under strict + NodeNext', async () => {
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        // skipLibCheck off so the SDK's own .d.ts are checked (an import they cannot resolve fails
        // here); DOM's lib stands in for @types/node's fetch and AbortSignal, much faster to check.
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          noEmit: true,
          skipLibCheck: false,
          skipDefaultLibCheck: true,
          lib: ['es2023', 'dom'],
          types: [],
        },
        include: ['check.ts'],
      }),
    );
    await writeFile(
      join(app, 'check.ts'),
      `import { TaskfleetClient, Worker, type TaskView } from '@taskfleet/sdk';
interface Tasks {
  resize: { payload: { url: string }; result: { bytes: number } };
}
export async function check(): Promise<number | undefined> {
  const client = new TaskfleetClient<Tasks>({ url: 'http://127.0.0.1:1', token: 't' });
  const { id } = await client.submit({ type: 'resize', payload: { url: 'x' }, prefers: { fast: 2 }, then: { type: 'resize' } });
  // @ts-expect-error the payload of 'resize' has no 'width'
  await client.submit({ type: 'resize', payload: { width: 1 } });
  new Worker<Tasks>({ url: '', token: '', capabilities: ['img'], handlers: { resize: async ({ url }) => ({ bytes: url.length }) } });
  const done: TaskView<{ url: string }, { bytes: number }> = await client.wait(id);
  return done.result?.bytes;
}
`,
    );
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await timed('tsc', () => run('node', [tsc, '-p', 'tsconfig.json'], { cwd: app, env: cleanEnv() }).catch((e: { stdout: string }) => e));
    expect(result.stdout).toBe('');
  });
});
