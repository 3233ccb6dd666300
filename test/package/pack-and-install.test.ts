import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rootPackage from '../../package.json' with { type: 'json' };

/**
 * What a user of the published packages meets: `npm pack` both packages, install
 * the tarballs into a temp folder outside the repo (so nothing resolves from the
 * repo's node_modules), then run the command and import the SDK from JS and from
 * strict NodeNext TypeScript. Installs come from the local npm cache when it has
 * the packages (`--prefer-offline`).
 */
const repo = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let work: string;
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
  await mkdir(app);
  await timed('pack', () => npm(['pack', '--workspaces', '--include-workspace-root', '--pack-destination', work], repo));
  const tarballs = (await readdir(work)).filter((f) => f.endsWith('.tgz')).map((f) => join(work, f));
  expect(tarballs).toHaveLength(2);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
  await timed('install', () => npm(['install', '--prefer-offline', ...tarballs], app));
}, 240_000);

afterAll(async () => {
  console.log(`pack-and-install timings (ms): ${JSON.stringify(timings)}`);
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the packed packages, installed outside the repo', () => {
  it('run `taskfleet --help` and `taskfleet --version`', async () => {
    const bin = join(app, 'node_modules', '.bin', 'taskfleet');
    const help = await timed('--help', () => run(bin, ['--help'], { cwd: app, env: cleanEnv() }));
    expect(help.stdout).toContain('Usage: taskfleet');
    const version = await timed('--version', () => run(bin, ['--version'], { cwd: app, env: cleanEnv() }));
    expect(version.stdout.trim()).toBe(rootPackage.version);
  });

  it('import the SDK from a plain .mjs, from both package names', async () => {
    await writeFile(
      join(app, 'check.mjs'),
      `import { TaskfleetClient, Worker, TaskfleetApiError } from '@taskfleet/sdk';
import * as again from 'taskfleet';
const client = new TaskfleetClient({ url: 'http://127.0.0.1:1', token: 't' });
console.log(typeof client.submit, typeof Worker, typeof TaskfleetApiError, again.TaskfleetClient === TaskfleetClient);`,
    );
    const { stdout } = await timed('import .mjs', () => run('node', ['check.mjs'], { cwd: app, env: cleanEnv() }));
    expect(stdout.trim()).toBe('function function function true');
  });

  it('typecheck TypeScript that uses the SDK under strict + NodeNext', async () => {
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
