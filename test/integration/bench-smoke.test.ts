import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const run = (args: readonly string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });

/**
 * The benchmarks are scripts nothing else imports: one broke unnoticed for a stop
 * (it read its emulators' endpoints from an environment the local runtime no longer
 * writes). The ones that run in seconds run here, at their smallest size; the
 * others' figures come from `npm run bench` itself.
 */
describe('the benchmarks, at their smallest', () => {
  it('bench --stats prints /stats read units per call at each task count', async () => {
    const { stdout } = await run(['bench/main.ts', '--stats', '--stats-sizes', '50,200']);
    expect(stdout).toMatch(/\| 50 \| [\d.,]+ \| [\d.,]+ \| [\d.,]+ \|/);
    expect(stdout).toMatch(/\| 200 \| [\d.,]+ \| [\d.,]+ \| [\d.,]+ \|/);
    expect(stdout).toMatch(/the hour's read units vary \d+ % from 50 to 200 tasks/);
  }, 300_000);

  it.each([['bench/main.ts'], ['bench/agents/main.ts']])('%s --help names its options and exits 0', async (script) => {
    const { stdout } = await run([script, '--help']);
    expect(stdout).toMatch(/usage|--/);
  }, 120_000);
});
