import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root. Entries in `shared/topology/routes.ts` are relative to it,
 * and so is the lock file esbuild bundles against; resolving them here (not from
 * `process.cwd()`) lets `cdk synth` and the tests run from any directory.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The lock file NodejsFunction hashes and bundles against. */
export const LOCK_FILE = resolve(REPO_ROOT, 'package-lock.json');

/** An entry from the topology (`functions/x.ts`) as an absolute path. */
export function repoPath(relativePath: string): string {
  if (isAbsolute(relativePath)) throw new Error(`expected a path relative to the repo root, got ${relativePath}`);
  return resolve(REPO_ROOT, relativePath);
}
