import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { PRIORITIES } from '../shared/domain/priority.js';
import type { Json } from '../shared/domain/task.js';
import type { JobView, TaskfleetClient } from '../sdk/client.js';

/** `taskfleet job …`: submit, follow and cancel map-reduce jobs. */
export function jobCommand(client: () => TaskfleetClient, print: (value: unknown) => void): Command {
  const job = new Command('job').description('map-reduce jobs: submit, get, watch, cancel');

  job
    .command('submit')
    .description('submit a job: one <map-type> task per item, then the reduce over their results')
    .argument('<map-type>', 'the task type each item runs as')
    .option('--items <file>', 'a JSON array of payloads, one child each ("-" reads stdin)')
    .option('--lines <file>', 'a text file: each chunk of --chunk lines becomes a child {"text": …}')
    .option('--chunk <n>', 'lines per child with --lines', (v: string) => Number(v), 20)
    .option('--reduce <type>', 'the reduce task type (it reads the children’s results)')
    .option('--then <type>', 'a stage after the reduce, given its result')
    .addOption(new Option('--priority <priority>', 'priority of every task').choices(PRIORITIES).default('normal'))
    .option('-r, --requires <capabilities>', 'comma-separated', (v: string) => v.split(',').filter(Boolean))
    .option('--max-failed-fraction <f>', 'share of children that may fail (0-1)', Number)
    .option('-w, --wait', 'follow it to the end with a progress bar')
    .addHelpText('after', `
Example, a word count over a file:
  taskfleet job submit count-words --lines README.md --reduce merge-counts --wait`)
    .action(async (mapType: string, o: Record<string, unknown>) => {
      const items = readItems(o);
      const submitted = await client().submitJob({
        map: { type: mapType, items },
        ...(o.reduce !== undefined ? { reduce: { type: o.reduce as string } } : {}),
        ...(o.then !== undefined ? { then: { type: o.then as string } } : {}),
        priority: o.priority as (typeof PRIORITIES)[number],
        ...(o.requires !== undefined ? { requires: o.requires as string[] } : {}),
        ...(o.maxFailedFraction !== undefined ? { failurePolicy: { maxFailedFraction: o.maxFailedFraction as number } } : {}),
      });
      print(submitted);
      if (o.wait === true) print(await watchJob(client(), submitted.id));
    });

  job.command('get').description('status, counts, progress, stages and result').argument('<id>').action(async (id: string) => print(await client().getJob(id)));
  job.command('watch').description('a progress bar until the job ends').argument('<id>').action(async (id: string) => print(await watchJob(client(), id)));
  job
    .command('cancel')
    .description('cancel the job and its pending children')
    .argument('<id>')
    .action(async (id: string) => {
      const cancelled = await client().cancelJob(id);
      console.log(`${cancelled.id} ${cancelled.status} (${cancelled.cancelled} children cancelled)`);
    });
  return job;
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

/** Follows a job: a bar of finished children on a terminal, a line per change otherwise. */
export async function watchJob(client: TaskfleetClient, id: string): Promise<JobView> {
  const tty = process.stdout.isTTY === true;
  const bar = new cliProgress.SingleBar(
    { format: ' job |{bar}| {value}/{total} children  {status} {stages}', hideCursor: true, stream: process.stdout },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = '';
  const done = await client.waitForJob(id, {
    onUpdate: (job) => {
      const finished = job.completed + job.failed + job.cancelled;
      const stages = job.stages.map((s) => `${s.name}:${s.status}`).join(' ');
      if (tty) {
        if (!started) bar.start(job.total, finished, { status: job.status, stages });
        started = true;
        bar.update(finished, { status: job.status, stages });
      } else {
        const line = `${job.status} ${finished}/${job.total} ${stages}`;
        if (line !== last) console.log(line);
        last = line;
      }
    },
  });
  if (started) bar.stop();
  return done;
}
