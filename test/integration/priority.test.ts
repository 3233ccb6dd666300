import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIORITIES, type Priority } from '../../shared/domain/priority.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';
import { startEventSourceMappings, type RunningMappings } from '../../local/event-source-mappings.js';
import type { LocalStack } from '../../local/runtime.js';
import { apiClient, startTestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait.js';

const PER_PRIORITY = 80;

let stack: LocalStack;
let mappings: RunningMappings | undefined;

beforeAll(async () => {
  stack = await startTestStack({ workers: false });
});
afterAll(async () => {
  await mappings?.stop();
  await stack?.stop();
});

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

describe('priorities under saturation', () => {
  it('serves critical far sooner than low, and still finishes every low task', async () => {
    const api = apiClient(stack.apiUrl, stack.token);
    // A backlog in all four priorities of one pool before any worker runs.
    const tasks = Array.from({ length: PER_PRIORITY }, () => PRIORITIES.map((priority) => ({ type: 'sleep', priority, payload: { ms: 300 } }))).flat();
    const submitted = await api('POST', '/tasks/batch', { tasks });
    expect(submitted.body.accepted).toBe(tasks.length);
    const ids: string[] = submitted.body.items.map((i: { id: string }) => i.id);

    const workersFrom = Date.now();
    mappings = await startEventSourceMappings({
      sqsEndpoint: stack.sqsEndpoint,
      region: 'us-east-1',
      topology: TOPOLOGY,
      queueUrls: stack.queues.queueUrls,
      queueArns: stack.queues.queueArns,
    });

    const finished = await waitFor(
      async () => Promise.all(ids.map(async (id) => (await api('GET', `/tasks/${id}`)).body)),
      (all) => all.every((t) => t.status === 'COMPLETED'),
      120_000,
      1000,
    );
    // Time each task waited once workers were there to take it.
    const waits: Record<Priority, number[]> = { critical: [], high: [], normal: [], low: [] };
    for (const t of finished) waits[t.priority as Priority].push(Date.parse(t.startedAt) - Math.max(Date.parse(t.createdAt), workersFrom));
    const medians = Object.fromEntries(PRIORITIES.map((p) => [p, median(waits[p])])) as Record<Priority, number>;
    console.log('median wait (ms) by priority', medians);

    expect(finished.filter((t) => t.priority === 'low' && t.status === 'COMPLETED')).toHaveLength(PER_PRIORITY);
    expect(medians.critical).toBeLessThan(medians.low / 2);
    expect(medians.high).toBeLessThan(medians.low);
  });
});
