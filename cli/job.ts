import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { TaskfleetClient } from '../sdk/client.js';
import { PRIORITIES, type JobView, type Json, type Priority } from '../sdk/types.js';
import { list, oneOf } from './arguments.js';
import { NOT_COMPLETED_EXIT_CODE } from './exit-codes.js';
import { colourOn, paintStatus } from './style.js';
import { counted } from './words.js';

/** `taskfleet job …`: submit, follow and cancel map-reduce jobs. Subcommands of `parent`, so they inherit its settings. */
export function addJobCommands(parent: Command, client: () => TaskfleetClient, print: (value: unknown) => void): Command {
  const job = parent.command('job').description('map-reduce jobs: submit, get, watch, cancel');
  const finish = (done: JobView, json: boolean | undefined): void => {
    if (json === true) print(done);
    else console.log(summarizeJob(done));
    if (done.status !== 'COMPLETED') process.exitCode = NOT_COMPLETED_EXIT_CODE;
  };

  job
    .command('submit')
    .description('submit a job: one <map-type> task per item, then the reduce over their results')
    .argument('<map-type>', 'the task type each item runs as')
    .option('--items <file>', 'a JSON array of payloads, one child each ("-" reads stdin)')
    .option('--lines <file>', 'a text file: each chunk of --chunk lines becomes a child {"text": …}')
    .option('--chunk <n>', 'lines per child with --lines', (v: string) => Number(v), 20)
    .option('--reduce <type>', 'the reduce task type (it reads the children’s results)')
    .option('--then <type>', 'a stage after the reduce, given its result')
    .option('--priority <priority>', `priority of every task: ${PRIORITIES.join(', ')}`, oneOf(PRIORITIES), 'normal')
    .option('-r, --requires <capabilities>', 'comma-separated', list)
    .option('--max-failed-fraction <f>', 'share of children that may fail (0-1)', Number)
    .option('--idempotency-key <key>', 'a replay returns the first job (and is safe to retry)')
    .option('-w, --wait', 'follow it to the end with a progress bar; exits 3 unless it COMPLETED')
    .option('--json', 'with --wait: print the whole job as JSON instead of a summary')
    .addHelpText('after', `
Example, a word count over a file:
  taskfleet job submit count-words --lines README.md --reduce merge-counts --wait`)
    .action(async (mapType: string, o: Record<string, unknown>) => {
      const items = readItems(o);
      const submitted = await client().jobs.submit({
        map: { type: mapType, items },
        ...(o.reduce !== undefined ? { reduce: { type: o.reduce as string } } : {}),
        ...(o.then !== undefined ? { then: { type: o.then as string } } : {}),
        priority: o.priority as Priority,
        ...(o.requires !== undefined ? { requires: o.requires as string[] } : {}),
        ...(o.maxFailedFraction !== undefined ? { failurePolicy: { maxFailedFraction: o.maxFailedFraction as number } } : {}),
        ...(o.idempotencyKey !== undefined ? { idempotencyKey: o.idempotencyKey as string } : {}),
      });
      print(submitted);
      if (o.wait === true) finish(await watchJob(client(), submitted.id), o.json as boolean | undefined);
    });

  job
    .command('get')
    .description('status, counts, stages and result (however large); --wait follows it to the end')
    .argument('<id>')
    .option('-w, --wait', 'follow it to the end with a progress bar; exits 3 unless it COMPLETED')
    .option('--json', 'print the whole job as JSON instead of a summary')
    .action(async (id: string, o: { wait?: boolean; json?: boolean }) => {
      if (o.wait === true) return finish(await watchJob(client(), id), o.json);
      const shown = await client().jobs.get(id, { include: 'result' });
      if (o.json === true) print(shown);
      else console.log(summarizeJob(shown));
    });
  job
    .command('watch')
    .description('a progress bar until the job ends; exits 3 unless it COMPLETED')
    .argument('<id>')
    .option('--json', 'print the whole job as JSON instead of a summary')
    .action(async (id: string, o: { json?: boolean }) => finish(await watchJob(client(), id), o.json));
  job
    .command('cancel')
    .description('cancel the job and its pending children')
    .argument('<id>')
    .action(async (id: string) => {
      const cancelled = await client().jobs.cancel(id);
      // A large job's children are cancelled after the answer: the count is so far.
      const more = cancelled.stages[0]?.status === 'CANCELLING' ? ' so far; the rest are being cancelled' : '';
      console.log(`${cancelled.id} ${paintStatus(cancelled.status)} (${counted(cancelled.cancelled, 'child', 'children')} cancelled${more})`);
    });
  return job;
}

/** A few lines, however many children: status, counts, stages and the start of the result. */
export function summarizeJob(job: JobView, colour: boolean = colourOn()): string {
  const lines = [
    `job ${job.id} ${paintStatus(job.status, job.status, colour)}`,
    `  children  ${job.total}: ${job.completed} completed, ${job.failed} failed, ${job.cancelled} cancelled`,
    ...job.stages.map((s) => `  ${s.name.padEnd(8)}  ${s.type} ${paintStatus(s.status, s.status, colour)}${s.taskId !== undefined ? ` (task ${s.taskId})` : ''}`),
  ];
  if (job.error !== undefined) lines.push(`  error     ${job.error}`);
  if (job.result !== undefined) {
    const text = JSON.stringify(job.result);
    lines.push(`  result    ${text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars; --json for all)` : text}`);
  }
  return lines.join('\n');
}

function readItems(o: Record<string, unknown>): Json[] {
  if (typeof o.lines === 'string') {
    const lines = readFileSync(o.lines, 'utf8').split('\n');
    const chunk = Math.max(1, Number(o.chunk) || 20);
    return Array.from({ length: Math.ceil(lines.length / chunk) }, (_, i) => ({ text: lines.slice(i * chunk, (i + 1) * chunk).join('\n') }));
  }
  if (typeof o.items === 'string') {
    const parsed: unknown = JSON.parse(readFileSync(o.items === '-' ? 0 : o.items, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error('--items must hold a JSON array');
    return parsed as Json[];
  }
  throw new Error('give the children with --items <file.json> or --lines <file.txt>');
}

/** Follows a job: a bar of finished children on a terminal, a line per change on stderr otherwise (stdout keeps the answer alone). */
export async function watchJob(client: TaskfleetClient, id: string): Promise<JobView> {
  const tty = process.stdout.isTTY === true;
  const bar = new cliProgress.SingleBar(
    { format: ' job |{bar}| {value}/{total} children  {status} {stages}', hideCursor: true, stream: process.stdout },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const done = await client.jobs.wait(id, {
    // Called only when something changed: one line per change when not on a terminal.
    onUpdate: (job) => {
      const finished = job.completed + job.failed + job.cancelled;
      const stages = job.stages.map((s) => `${s.name}:${s.status}`).join(' ');
      const status = paintStatus(job.status);
      if (tty) {
        if (!started) bar.start(job.total, finished, { status, stages });
        started = true;
        bar.update(finished, { status, stages });
      } else {
        console.error(`${status} ${finished}/${job.total} ${stages}`);
      }
    },
  });
  if (started) bar.stop();
  return done;
}
