/**
 * `npm run bench`: the throughput figures (bench/throughput.ts), then the cost
 * table (bench/cost.ts). Each runs in its own process: a local stack is one per
 * process (handlers read their configuration from the environment).
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string' },
    type: { type: 'string' },
    'batch-tasks': { type: 'string' },
    scenarios: { type: 'string' },
    'cost-only': { type: 'boolean' },
    'throughput-only': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`usage: npm run bench -- [options]
  --tasks N          tasks of the throughput run (2000) and of each cost scenario (1000)
  --type echo|sleep  task type of the throughput run (echo)
  --batch-tasks N    tasks of the batch-submit cost scenario (default --tasks; the hottest-key target is meant at 10000)
  --scenarios a,b    cost scenarios: single, batch, payload, agent, job (all)
  --cost-only        skip the throughput run
  --throughput-only  skip the cost table`);
  process.exit(0);
}
const flag = (name: string, value: string | undefined): string[] => (value === undefined ? [] : [`--${name}`, value]);
const run = (script: string, args: string[]): void => {
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
};
if (!values['cost-only']) run('bench/throughput.ts', [...flag('tasks', values.tasks), ...flag('type', values.type)]);
if (!values['throughput-only']) run('bench/cost.ts', [...flag('tasks', values.tasks), ...flag('batch-tasks', values['batch-tasks']), ...flag('scenarios', values.scenarios)]);
