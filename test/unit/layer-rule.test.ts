import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const config = join(root, '.dependency-cruiser.cjs');
const cli = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const { KNOWN_VIOLATIONS } = createRequire(import.meta.url)(config) as { KNOWN_VIOLATIONS: readonly { from: string; to: string }[] };

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** The rule's violations in `folders` under `cwd` (depcruise exits non-zero when it finds any). */
async function violations(cwd: string, folders: readonly string[], env: Record<string, string> = {}): Promise<Violation[]> {
  const args = [cli, '--config', config, '--output-type', 'json', ...folders];
  const output = await run(process.execPath, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }).then(
    (done) => done.stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

// dependency-cruiser parses the whole tree: seconds on a quiet machine, more on a busy one.
const CRUISE_TIMEOUT_MS = 180_000;

const pairs = (found: readonly Violation[]): string[] => found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

describe('the layer rule', () => {
  it('reports a domain, a service and the SDK importing against the layers (test/fixtures/layer-rule)', async () => {
    const found = await violations(join(root, 'test/fixtures/layer-rule'), ['shared', 'sdk']);
    expect(pairs(found)).toEqual([
      'domain-is-pure: shared/domain/priority.ts → shared/adapters/sqs-queue.ts',
      'sdk-stands-alone: sdk/client.ts → shared/domain/priority.ts',
      'services-over-ports: shared/services/submit.ts → shared/adapters/sqs-queue.ts',
    ]);
  }, CRUISE_TIMEOUT_MS);

  it("finds in the real tree only the known violations other branches remove, each still there (delete an entry once it is gone)", async () => {
    const found = await violations(root, ['shared', 'sdk', 'functions', 'local', 'cli', 'infra', 'handlers', 'bench'], { LAYER_RULE_STRICT: '1' });
    const known = KNOWN_VIOLATIONS.map((v) => ({ from: new RegExp(v.from), to: new RegExp(v.to) }));
    expect(pairs(found.filter((v) => !known.some((k) => k.from.test(v.from) && k.to.test(v.to)))), 'imports against the layers').toEqual([]);
    const stale = KNOWN_VIOLATIONS.filter((k) => !found.some((v) => new RegExp(k.from).test(v.from) && new RegExp(k.to).test(v.to)));
    expect(stale, 'known violations no longer in the tree: delete them from .dependency-cruiser.cjs').toEqual([]);
  }, CRUISE_TIMEOUT_MS);
});
