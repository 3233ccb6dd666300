import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import rootPackage from '../../package.json' with { type: 'json' };
import sdkPackage from '../../packages/sdk/package.json' with { type: 'json' };

describe('the packages', () => {
  it('@taskfleet/sdk bundles to one file that imports nothing but node: built-ins', async () => {
    const result = await build({
      entryPoints: ['sdk/index.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs)[0];
    expect(output?.imports.filter((i) => !i.path.startsWith('node:'))).toEqual([]);
    expect(output?.exports).toEqual(expect.arrayContaining(['TaskfleetError', 'NotFoundError', 'ConflictError', 'RateLimitedError', 'ValidationError', 'TimeoutError', 'TaskfleetApiError', 'TaskfleetClient', 'TaskfleetConnectionError', 'TaskfleetSchedules', 'UnrecoverableError', 'Worker', 'verifyWebhook', 'WebhookSignatureError']));
  });

  it('@taskfleet/sdk has no dependencies; the server package depends on it and re-exports it', () => {
    expect(Object.keys((sdkPackage as { dependencies?: object }).dependencies ?? {})).toEqual([]);
    expect(rootPackage.dependencies['@taskfleet/sdk']).toBe(sdkPackage.version);
    expect(rootPackage.workspaces).toEqual(['packages/sdk']);
  });

  it('the server package carries its copy of the SDK (bundleDependencies), so its tarball installs alone', () => {
    expect(rootPackage.bundleDependencies).toEqual(['@taskfleet/sdk']);
    expect(rootPackage.scripts.prepack).toBe('npm run build');
  });

  it('@taskfleet/sdk imports from the repo with plain node right after `npm install`: its prepare script builds it', async () => {
    expect(sdkPackage.scripts.prepare).toBe('npm run build');
    const entry = fileURLToPath(import.meta.resolve('@taskfleet/sdk'));
    expect(existsSync(entry)).toBe(true);
    const { stdout } = await promisify(execFile)('node', ['--input-type=module', '-e', "const m = await import('@taskfleet/sdk'); console.log(typeof m.TaskfleetClient, typeof m.Worker)"], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    expect(stdout.trim()).toBe('function function');
  });

  it('has a taskfleet command', () => {
    expect(rootPackage.bin.taskfleet).toBe('bin/taskfleet.mjs');
  });
});
