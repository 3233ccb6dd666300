import { PRIORITIES } from '../domain/priority.js';
import type { Topology } from './topology.js';

/**
 * How many alarms infra/constructs/operations.ts makes for a topology, counted by
 * the same rules: the events cost bench prices them (a fixed monthly cost) and
 * test/infra/events.test.ts checks the synthesized stack has exactly this many.
 * - per pool × priority: the oldest waiting task above the priority's SLA (SQS age
 *   on Lambda pools, the sweep's `OldestReadySeconds` on agent pools) and DLQ depth;
 * - the two other DLQs (webhook deliveries, stream records given up on);
 * - errors and throttles of each worker, the stream consumer and the delivery function;
 * - the HTTP API's 5xx.
 */
export function operatorAlarmCount(topology: Topology): number {
  const lambdaPools = topology.pools.filter((p) => p.runsOn === 'lambda').length;
  return topology.pools.length * PRIORITIES.length * 2 + 2 + (lambdaPools + 2) * 2 + 1;
}

/**
 * The most custom CloudWatch metrics (name × dimension set) taskfleet emits; each
 * is billed per month once emitted (prorated by the hour), so a pool × priority
 * that never sees a task costs nothing. Per pool × priority: QueueTime, RunTime,
 * Attempts, six outcome counts and two job counts (shared/adapters/metrics);
 * per pool: CircuitOpened, CircuitClosed; per agent pool × priority: OldestReadySeconds.
 */
export function customMetricCount(topology: Topology): number {
  const agentPools = topology.pools.filter((p) => p.runsOn === 'agents').length;
  return topology.pools.length * PRIORITIES.length * 11 + topology.pools.length * 2 + agentPools * PRIORITIES.length;
}
