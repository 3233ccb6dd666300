import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set while a run's folder exists: the first project's setup makes it, the others use it. */
const RUN_TMPDIR = 'TASKFLEET_TEST_TMPDIR';

/**
 * The run's own temporary folder, removed at its end: every file a test or a
 * library makes in `os.tmpdir()` (the CDK's `cdk.out*` of each synth, packed
 * tarballs, CLI config homes, browser profiles) goes there, so a suite run
 * leaves nothing behind. The test files' processes inherit TMPDIR. One folder
 * for all the projects of a run, not one inside another: chromium failed to
 * start from three folders deep (its socket path outgrew the 108 bytes a Unix
 * socket's name may have).
 */
export default function setup(): () => void {
  if (process.env[RUN_TMPDIR] !== undefined) return () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tf-test-'));
  const before = process.env.TMPDIR;
  process.env[RUN_TMPDIR] = dir;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    delete process.env[RUN_TMPDIR];
    rmSync(dir, { recursive: true, force: true });
  };
}
