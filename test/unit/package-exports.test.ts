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

  it('has a taskfleet command', () => {
    expect(rootPackage.bin.taskfleet).toBe('bin/taskfleet.mjs');
  });
});
