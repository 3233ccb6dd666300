/**
 * `npm run bench`: the throughput figures (bench/throughput.ts), then the cost
 * table (bench/cost.ts); `--priorities`: the priority bench alone
 * (bench/priorities.ts). Each runs in its own process, so one's load and memory
 * never colour another's figures.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string' },
    type: { type: 'string' },
    'batch-tasks': { type: 'string' },
    scenarios: { type: 'string' },
    'idle-seconds': { type: 'string' },
    'cost-only': { type: 'boolean' },
    'throughput-only': { type: 'boolean' },
    priorities: { type: 'boolean' },
    stats: { type: 'boolean' },
    'stats-sizes': { type: 'string' },
    backlog: { type: 'string' },
    'sleep-ms': { type: 'string' },
    'urgent-every': { type: 'string' },
    idle: { type: 'string' },
    compress: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`usage: npm run bench -- [options]
  --tasks N          tasks of the throughput run (2000) and of each cost scenario (1000)
  --type echo|sleep  task type of the throughput run (echo)
  --batch-tasks N    tasks of the batch-submit cost scenario (default --tasks; the hottest-key target is meant at 10000)
  --scenarios a,b    cost scenarios: single, batch, payload, agent, job (all)
  --idle-seconds N   the cost report's idle-agent window (60; 0 skips it)
  --cost-only        skip the throughput run
  --throughput-only  skip the cost table
  --stats            only the /stats read bench: read units per GET /stats at each task count
    --stats-sizes a,b  the tenant's task counts (1000,100000)
  --priorities       only the priority bench: queue time per priority under a backlog, idle dispatch
    --backlog N        normal + low sleep tasks of the backlog (2000)
    --sleep-ms N       each backlog task's sleep (100)
    --urgent-every N   ms between critical/high arrivals while it drains (100)
    --idle N           tasks of each idle-dispatch run (40)
    --compress N       SLA time compression (10: critical's 30 s becomes 3 s)`);
  process.exit(0);
}
const flag = (name: string, value: string | undefined): string[] => (value === undefined ? [] : [`--${name}`, value]);
const run = (script: string, args: string[]): void => {
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
};
if (values.stats) {
  run('bench/stats-reads.ts', flag('sizes', values['stats-sizes']));
  process.exit(0);
}
if (values.priorities) {
  const options = ['backlog', 'sleep-ms', 'urgent-every', 'idle', 'compress'] as const;
  run('bench/priorities.ts', options.flatMap((name) => flag(name, values[name])));
  process.exit(0);
}
if (!values['cost-only']) run('bench/throughput.ts', [...flag('tasks', values.tasks), ...flag('type', values.type)]);
if (!values['throughput-only']) run('bench/cost.ts', [...flag('tasks', values.tasks), ...flag('batch-tasks', values['batch-tasks']), ...flag('scenarios', values.scenarios), ...flag('idle-seconds', values['idle-seconds'])]);
