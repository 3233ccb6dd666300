/**
 * `npm run bench:agents -- --latency [--tasks N]`: how soon an idle agent's long
 * poll gets a task submitted while it waits. One agent long-polls
 * `POST /workers/{id}/lease`; one task at a time is submitted, leased and
 * completed; the time from the submit's answer to the lease's answer is the
 * latency. Figures only.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalStack } from '../../local/runtime.js';
import { percentiles } from '../../shared/domain/stats.js';
import { client } from './live-client.js';

export async function runLeaseLatency(options: { tasks: number }): Promise<void> {
  console.log('starting a local stack (fauxqs, DynamoDB Local)…');
  const stack = await startLocalStack({ port: 0, sqsPort: 0, dynamoDbPort: 0, region: 'us-east-1', prefix: `latency${Date.now()}-`, tenant: 'bench', schedule: false, workers: false });
  const call = client(stack.apiUrl, stack.token);
  try {
    const agent = (await call('POST', '/workers', { name: 'idle', capabilities: ['shell'], capacity: { slots: 1 } })) as { id: string };
    const latencies: number[] = [];
    for (let i = 0; i < options.tasks; i++) {
      const polling = call('POST', `/workers/${agent.id}/lease`, { max: 1, waitSeconds: 20 }).then((r) => ({ leased: (r as { tasks: { id: string; leaseToken: string }[] }).tasks, at: performance.now() }));
      await sleep(100); // the poll is waiting before the task arrives
      await call('POST', '/tasks', { type: 'probe', requires: ['shell'], payload: { i } });
      const submitted = performance.now();
      const { leased, at } = await polling;
      const task = leased[0];
      if (task === undefined) throw new Error('the long poll ended without the task');
      latencies.push(at - submitted);
      await call('POST', `/tasks/${task.id}/complete`, { leaseToken: task.leaseToken, result: {} });
    }
    const p = percentiles(latencies);
    if (p === undefined) return;
    console.log(`idle-agent lease latency over ${options.tasks} tasks (submit answered → lease answered): p50 ${p.p50.toFixed(0)} ms, p95 ${p.p95.toFixed(0)} ms, p99 ${p.p99.toFixed(0)} ms (target p50 < 50 ms)`);
  } finally {
    await stack.stop();
  }
}
