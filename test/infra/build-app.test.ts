import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';

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

  // Runs the real esbuild, as `cdk synth` does: fails when a handler does not build.
  it('bundles every entry as an ESM module with a require shim and a source map', () => {
    const { app, stack } = buildApp({ nag: false });
    const assembly = app.synth();
    // The functions are in the Compute nested stack: its template is a file of the assembly.
    const templateOf = (construct: IConstruct) => JSON.parse(readFileSync(join(assembly.directory, Stack.of(construct).templateFile), 'utf8'));
    const { functions, sweep, scheduleTicker, workers } = stack;
    const all = [
      ...functions.byRouteKey.values(),
      functions.authorizer,
      sweep.function,
      scheduleTicker.function,
      ...[...workers.values()].map((w) => w.function),
    ];
    for (const fn of all) {
      const cfn = fn.function.node.defaultChild as CfnElement;
      const props = templateOf(cfn).Resources[Stack.of(cfn).getLogicalId(cfn)].Properties;
      expect(props.Handler).toBe('index.handler');
      const assetDir = join(assembly.directory, `asset.${String(props.Code.S3Key).replace(/\.zip$/, '')}`);
      const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire } from 'module';"), fn.node.path).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
      expect(code).toContain('sourceMappingURL=index.mjs.map');
    }
  }, 600_000); // esbuild for every function: minutes on a busy 2-core machine
});
