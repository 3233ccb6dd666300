import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };

describe('the package', () => {
  it('exports the SDK from a bundle esbuild can build', async () => {
    expect(packageJson.exports['.'].import).toBe('./dist/sdk/index.js');
    const result = await build({
      entryPoints: ['sdk/index.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs)[0];
    expect(output?.exports.sort()).toEqual(['TaskfleetApiError', 'TaskfleetClient', 'UnrecoverableError', 'Worker']);
  });

  it('has a taskfleet command', () => {
    expect(packageJson.bin.taskfleet).toBe('bin/taskfleet.mjs');
  });
});
