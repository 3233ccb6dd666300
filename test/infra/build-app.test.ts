import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { BUNDLING, TaskfleetFunction } from '../../infra/constructs/taskfleet-function.js';
import { repoPath } from '../../infra/paths.js';

describe('buildApp', () => {
  const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  afterEach(() => {
    for (const [name, value] of [
      ['CDK_DEFAULT_ACCOUNT', saved.account],
      ['CDK_DEFAULT_REGION', saved.region],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('places the stack in CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION when they are set', () => {
    process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
    process.env.CDK_DEFAULT_REGION = 'eu-west-1';
    const { stack } = buildApp({ skipBundling: true, nag: false });
    expect(stack.stackName).toBe('Taskfleet-dev');
    expect(stack.account).toBe('123456789012');
    expect(stack.region).toBe('eu-west-1');
  });

  // Every entry the stack deploys, built with the stack's own module options in one
  // esbuild run (what `cdk synth` does one function at a time, minutes on 2 cores):
  // fails when a handler does not build. Minifying and source maps, which are most of
  // esbuild's time, are checked once through CDK below.
  it('builds every function entry as an ESM module with a require shim', async () => {
    const { stack } = buildApp({ skipBundling: true, nag: false });
    const entries = [...new Set(stack.node.findAll().filter((c): c is TaskfleetFunction => c instanceof TaskfleetFunction).map((fn) => fn.entry))];
    expect(entries.length).toBeGreaterThan(30);
    const outdir = mkdtempSync(join(tmpdir(), 'taskfleet-bundles-'));
    try {
      const result = await build({
        entryPoints: Object.fromEntries(entries.map((entry) => [entry.replace(/\.ts$/, ''), repoPath(entry)])),
        outdir,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: BUNDLING.target,
        mainFields: [...BUNDLING.mainFields],
        banner: { js: BUNDLING.banner },
        external: [...BUNDLING.externalModules],
        logLevel: 'silent',
      });
      expect(result.errors).toEqual([]);
      for (const entry of entries) {
        const code = readFileSync(join(outdir, entry.replace(/\.ts$/, '.js')), 'utf8');
        expect(code.startsWith("import { createRequire } from 'module';"), entry).toBe(true);
        expect(code, entry).toMatch(/export\s*\{[^}]*\bhandler\b/);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 300_000);

  // And once through CDK itself, as `cdk synth` runs it: the asset is `index.mjs` with the shim and a map.
  it('bundles a function through NodejsFunction into an ESM asset with the handler the template names', () => {
    const app = new App();
    const fnStack = new Stack(app, 'Bundled');
    const fn = new TaskfleetFunction(fnStack, 'Health', { entry: 'functions/health.ts' });
    const assembly = app.synth();
    const cfn = fn.function.node.defaultChild as CfnElement;
    const props = JSON.parse(readFileSync(join(assembly.directory, fnStack.templateFile), 'utf8')).Resources[fnStack.getLogicalId(cfn)].Properties;
    expect(props.Handler).toBe('index.handler');
    const assetDir = join(assembly.directory, `asset.${String(props.Code.S3Key).replace(/\.zip$/, '')}`);
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'module';")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(code).toContain('sourceMappingURL=index.mjs.map');
  }, 300_000);
});
