/**
 * The README's examples are tests: every shell and TypeScript example of
 * README.md and docs/ runs, in order, against one fresh local stack with Lambda
 * workers, and the output each shows is compared with what it printed (loosely
 * for ids and times: test/helpers/loose-match.ts). An example that cannot run
 * here says so on its first line (`# not run: <why>`) and is reported skipped.
 * The conventions are in test/helpers/readme-examples.ts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestStack } from '../helpers/local-stack.js';
import { matchOutput, unnoticedDeletions } from '../helpers/loose-match.js';
import { examplesOf, type Example, type ShellCommand } from '../helpers/readme-examples.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DOCUMENTS = ['README.md', 'docs/architecture.md'];
/** Inside the repository, so `@taskfleet/sdk` and `taskfleet` resolve as they do for a user's project. */
const SCRATCH = join(ROOT, '.readme-examples');
/** Generous: a busy 2-core machine, and examples that wait for jobs. */
const EXAMPLE_TIMEOUT_MS = 300_000;

// The breaker keeps its default: a failing example opens only its own tenant × type's circuit.
const local = useTestStack({ workers: true, sweepSeconds: 2, env: { TASKFLEET_RETRY_BASE_SECONDS: '0' } });
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  mkdirSync(SCRATCH, { recursive: true });
  const { apiUrl, token } = local.stack;
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // No connection file of a real `npm start` on this machine: only the test's stack.
    XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'readme-config-')),
    NO_COLOR: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // What the README has a reader set: the stack's URL and token.
    URL: apiUrl,
    TOKEN: token,
    TASKFLEET_URL: apiUrl,
    TASKFLEET_TOKEN: token,
  };
}, 240_000);
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], input?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'], timeout: EXAMPLE_TIMEOUT_MS });
    let output = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output, stderr }));
    // A process an example left running in the background (an agent not stopped) would hold the
    // pipes open and keep 'close' from coming: once the example's own process exits, give its
    // output a moment to drain, then stop reading.
    child.on('exit', () => setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
    }, 5_000).unref());
    child.stdin.end(input ?? '');
  });
}

const MARK = '\u001fREADME-EXAMPLE';

/**
 * One bash for the block (variables carry from command to command), a marker
 * with the exit code after each. The output shown is stdout, as a terminal
 * shows it; stderr (progress lines, warnings) is kept for the failure message.
 */
async function runShell(commands: readonly ShellCommand[]): Promise<{ results: { command: ShellCommand; code: number; output: string }[]; stderr: string }> {
  const script = commands.flatMap((c, i) => [`{\n${c.command}\n}`, `printf '\\n${MARK} %d %d\\n' ${i} $?`]).join('\n');
  const { output, stderr } = await run('bash', ['-s'], script);
  const results: { command: ShellCommand; code: number; output: string }[] = [];
  let rest = output;
  for (const [i, command] of commands.entries()) {
    const at = rest.indexOf(`\n${MARK} ${i} `);
    if (at === -1) throw new Error(`the block stopped before the command at line ${command.line}:\n${rest}\n--- stderr:\n${stderr}`);
    const end = rest.indexOf('\n', at + 1);
    const code = Number(rest.slice(at + 1, end).split(' ')[2]);
    results.push({ command, code, output: rest.slice(0, at) });
    rest = rest.slice(end + 1);
  }
  return { results, stderr };
}

function expectShown(where: string, shown: readonly string[], printed: string, stderr: string): void {
  const match = matchOutput(shown, printed);
  if (!match.ok) throw new Error(`${where}: the output shown is not what it printed: ${match.reason}\n--- printed:\n${printed}\n--- stderr:\n${stderr}`);
  // The shown output is really checked: leaving out any one of its lines would fail.
  expect(unnoticedDeletions(shown, printed), `${where}: lines whose deletion would go unnoticed`).toEqual([]);
}

async function runExample(document: string, example: Exclude<Example, { kind: 'other' }>): Promise<void> {
  if (example.kind === 'sh') {
    const { results, stderr } = await runShell(example.commands);
    for (const { command, code, output } of results) {
      const where = `${document}:${command.line}`;
      if (process.env.README_SHOW === '1') console.log(`--- ${where} exited ${code}\n${output}`);
      if (code !== 0) throw new Error(`${where}: \`${command.command}\` exited ${code}:\n${output}\n--- stderr:\n${stderr}`);
      if (command.expected !== undefined) expectShown(where, command.expected, output, stderr);
    }
    return;
  }
  const file = join(SCRATCH, `${document.replace(/\W/g, '-')}-${example.line}.ts`);
  writeFileSync(file, example.code);
  const { code, output, stderr } = await run('node', ['--import', 'tsx', file]);
  const where = `${document}:${example.line}`;
  if (process.env.README_SHOW === '1') console.log(`--- ${where} exited ${code}\n${output}`);
  if (code !== 0) throw new Error(`${where}: the example exited ${code}:\n${output}\n--- stderr:\n${stderr}`);
  if (example.expected !== undefined) expectShown(where, example.expected, output, stderr);
}

/** Blocks that show a format, a file excerpt or a diagram; a command in one would escape the test. */
const ILLUSTRATIONS = new Set(['', 'json', 'text']);

for (const document of DOCUMENTS) {
  const examples = examplesOf(readFileSync(join(ROOT, document), 'utf8'));
  describe(document, () => {
    it('has only runnable examples, examples marked not run, and illustrations', () => {
      for (const example of examples) {
        if (example.kind !== 'other') continue;
        expect(ILLUSTRATIONS.has(example.info.split(/\s+/)[0] ?? ''), `${document}:${example.line}: a \`\`\`${example.info} block`).toBe(true);
      }
    });
    for (const example of examples) {
      if (example.kind === 'other') continue;
      const name = `${example.kind} example at line ${example.line}`;
      if (example.notRun !== undefined) it.skip(`${name} (not run: ${example.notRun})`, () => undefined);
      else it(name, () => runExample(document, example), EXAMPLE_TIMEOUT_MS);
    }
  });
}
