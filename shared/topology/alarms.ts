import { PRIORITIES } from '../domain/priority.js';
import type { Topology } from './topology.js';

/**
 * The operator alarms infra/constructs/operations.ts makes, by kind: the name
 * pattern (`<pool>`, `<priority>`, `<function>` stand for each instance), the
 * metric it watches and what it covers. The README's alarm table lists exactly
 * these, and test/infra/events.test.ts checks both against the
 * synthesized template.
 */
export interface AlarmKind {
  readonly name: string;
  /** `<namespace> <MetricName>` as in the template (`Taskfleet` for the project's own). */
  readonly metric: string;
  readonly covers: string;
}

/** The Lambda functions besides the pool workers whose errors and throttles alarm. */
export const ALARMED_FUNCTIONS = ['stream-consumer', 'webhook-delivery', 'sweep', 'schedule-tick'] as const;
/** The functions that run on a schedule: an alarm fires when one stops being invoked. */
export const SCHEDULED_FUNCTIONS = ['sweep', 'schedule-tick'] as const;
/** The stream consumer is behind when its oldest record read is older than this. */
export const STREAM_ITERATOR_AGE_ALARM_MS = 300_000;
/** A scheduled function (every minute) with no invocation for this long has stopped. */
export const NOT_INVOKED_ALARM_MINUTES = 5;

export const ALARM_KINDS: readonly AlarmKind[] = [
  { name: 'Age-<pool>-<priority>', metric: 'AWS/SQS ApproximateAgeOfOldestMessage', covers: 'a Lambda pool × priority: the oldest waiting task is past the priority’s SLA' },
  { name: 'Age-<pool>-<priority>', metric: 'Taskfleet OldestReadySeconds', covers: 'an agent pool × priority: the oldest ready task (the sweep’s figure) is past the SLA' },
  { name: 'Dlq-<pool>-<priority>', metric: 'AWS/SQS ApproximateNumberOfMessagesVisible', covers: 'a pool × priority’s DLQ holds a task' },
  { name: 'Dlq-webhook-deliveries', metric: 'AWS/SQS ApproximateNumberOfMessagesVisible', covers: 'a webhook delivery was dead-lettered' },
  { name: 'Dlq-stream-failures', metric: 'AWS/SQS ApproximateNumberOfMessagesVisible', covers: 'the stream consumer set records aside (its mapping’s on-failure queue)' },
  { name: 'Errors-worker-<pool>', metric: 'AWS/Lambda Errors', covers: 'a Lambda pool’s worker failed an invocation' },
  { name: 'Throttles-worker-<pool>', metric: 'AWS/Lambda Throttles', covers: 'a Lambda pool’s worker was throttled' },
  { name: 'Errors-<function>', metric: 'AWS/Lambda Errors', covers: 'the stream consumer, webhook delivery, sweep or schedule tick failed an invocation' },
  { name: 'Throttles-<function>', metric: 'AWS/Lambda Throttles', covers: 'the stream consumer, webhook delivery, sweep or schedule tick was throttled' },
  { name: 'NotInvoked-<function>', metric: 'AWS/Lambda Invocations', covers: 'the sweep or the schedule tick has not run for 5 minutes' },
  { name: 'IteratorAge-stream-consumer', metric: 'AWS/Lambda IteratorAge', covers: 'the stream consumer is more than 5 minutes behind the table' },
  { name: 'Api5xx', metric: 'AWS/ApiGateway 5xx', covers: 'the HTTP API answered 5xx' },
];

/**
 * How many alarms infra/constructs/operations.ts makes for a topology, counted by
 * the same rules: the events cost bench prices them (a fixed monthly cost) and
 * test/infra/events.test.ts checks the synthesized stack has exactly this many.
 * - per pool × priority: the oldest waiting task above the priority's SLA (SQS age
 *   on Lambda pools, the sweep's `OldestReadySeconds` on agent pools) and DLQ depth;
 * - the two other DLQs (webhook deliveries, stream records given up on);
 * - errors and throttles of each worker and of ALARMED_FUNCTIONS;
 * - each scheduled function not invoked; the stream consumer's iterator age;
 * - the HTTP API's 5xx.
 */
export function operatorAlarmCount(topology: Topology): number {
  const lambdaPools = topology.pools.filter((p) => p.runsOn === 'lambda').length;
  return topology.pools.length * PRIORITIES.length * 2 + 2 + (lambdaPools + ALARMED_FUNCTIONS.length) * 2 + SCHEDULED_FUNCTIONS.length + 1 + 1;
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
