import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The run's own temporary folder, removed at its end: every file a test or a
 * library makes in `os.tmpdir()` (the CDK's `cdk.out*` of each synth, packed
 * tarballs, CLI config homes, browser profiles) goes there, so a suite run
 * leaves nothing behind. The test files' processes inherit TMPDIR; a folder
 * made by an earlier project's setup holds the later ones', and goes with it.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'taskfleet-test-'));
  const before = { TMPDIR: process.env.TMPDIR };
  process.env.TMPDIR = dir;
  return () => {
    if (before.TMPDIR === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before.TMPDIR;
    rmSync(dir, { recursive: true, force: true });
  };
}
