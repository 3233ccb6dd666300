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

/** Generous: 320 tasks of 300 ms on a 2-core machine other suites are loading too. */
const LIMIT_MS = 600_000;

/**
 * Priorities are judged by the order tasks started in (each task's rank among
 * all start times), not by how long they waited: ranks do not stretch when the
 * machine is slow, so the ratios hold on a loaded CI box as on an idle laptop.
 */
describe('priorities under saturation', () => {
  it(
    'starts critical far sooner than low, and still finishes every low task',
    async () => {
      const api = apiClient(stack.apiUrl, stack.token);
      // A backlog in all four priorities of one pool before any worker runs.
      const tasks = Array.from({ length: PER_PRIORITY }, () => PRIORITIES.map((priority) => ({ type: 'sleep', priority, payload: { ms: 300 } }))).flat();
      const submitted = await api('POST', '/tasks/batch', { tasks });
      expect(submitted.body.accepted).toBe(tasks.length);
      const ids: string[] = submitted.body.items.map((i: { id: string }) => i.id);

      mappings = await startEventSourceMappings({
        sqsEndpoint: stack.sqsEndpoint,
        region: 'us-east-1',
        topology: TOPOLOGY,
        queueUrls: stack.queues.queueUrls,
        queueArns: stack.queues.queueArns,
        services: () => stack.services,
      });

      // One cheap counting call per poll, not a GET per task.
      await waitFor(
        async () => (await api('GET', '/stats')).body.tasks.COMPLETED as number,
        (completed) => completed >= tasks.length,
        LIMIT_MS,
        2000,
      );
      const finished: { priority: Priority; status: string; startedAt: string }[] = await Promise.all(ids.map(async (id) => (await api('GET', `/tasks/${id}`)).body));
      const order = [...finished].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
      const ranks: Record<Priority, number[]> = { critical: [], high: [], normal: [], low: [] };
      for (const [rank, t] of order.entries()) ranks[t.priority].push(rank);
      const medians = Object.fromEntries(PRIORITIES.map((p) => [p, median(ranks[p])])) as Record<Priority, number>;
      console.log(`median start rank by priority (of ${order.length})`, medians);

      expect(finished.filter((t) => t.priority === 'low' && t.status === 'COMPLETED')).toHaveLength(PER_PRIORITY);
      expect(medians.critical).toBeLessThan(medians.low / 2);
      expect(medians.high).toBeLessThan(medians.low);
    },
    LIMIT_MS + 60_000,
  );
});
