import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EventType, TaskfleetEvent } from '../../domain/events.js';
import type { CircuitChange, EventMetrics } from '../../ports/event-metrics.js';

/** The CloudWatch namespace of taskfleet's own metrics; the stack's alarms and dashboard read it. */
export const METRICS_NAMESPACE = 'Taskfleet';

/** Metric names, shared with the stack (alarms, dashboard). Dimensions: pool, priority (circuits: pool). */
export const METRIC = {
  queueTime: 'QueueTime',
  runTime: 'RunTime',
  attempts: 'Attempts',
  completed: 'TasksCompleted',
  failed: 'TasksFailed',
  retried: 'TasksRetried',
  deadLettered: 'TasksDeadLettered',
  cancelled: 'TasksCancelled',
  expired: 'TasksExpired',
  jobsCompleted: 'JobsCompleted',
  jobsFailed: 'JobsFailed',
  circuitOpened: 'CircuitOpened',
  circuitClosed: 'CircuitClosed',
  /** Agent pools, from the sweep (emf-backlog-metrics.ts): the oldest waiting task's age in seconds. */
  oldestReady: 'OldestReadySeconds',
} as const;

const COUNTS: Partial<Record<EventType, string>> = {
  'task.completed': METRIC.completed,
  'task.failed': METRIC.failed,
  'task.retrying': METRIC.retried,
  'task.dead_lettered': METRIC.deadLettered,
  'task.cancelled': METRIC.cancelled,
  'task.expired': METRIC.expired,
  'job.completed': METRIC.jobsCompleted,
  'job.failed': METRIC.jobsFailed,
};

/**
 * Powertools Metrics as EMF: one log document per pool × priority per batch, each
 * metric holding all of the batch's values (EMF arrays), so a batch of 100 events
 * costs a few log lines and no CloudWatch API call.
 */
export class EmfEventMetrics implements EventMetrics {
  constructor(private readonly serviceName = 'taskfleet-events') {}

  record(events: readonly TaskfleetEvent[], circuits: readonly CircuitChange[]): void {
    const groups = new Map<string, Metrics>();
    const group = (dimensions: Record<string, string>): Metrics => {
      const key = JSON.stringify(dimensions);
      let metrics = groups.get(key);
      if (metrics === undefined) {
        metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: this.serviceName });
        metrics.addDimensions(dimensions);
        groups.set(key, metrics);
      }
      return metrics;
    };
    for (const event of events) {
      const subject = event.task ?? event.job;
      if (subject === undefined) continue;
      const metrics = group({ pool: subject.pool, priority: subject.priority });
      const count = COUNTS[event.type];
      if (count !== undefined) metrics.addMetric(count, MetricUnit.Count, 1);
      if (event.task?.queueTimeMs !== undefined) metrics.addMetric(METRIC.queueTime, MetricUnit.Milliseconds, event.task.queueTimeMs);
      const final = event.type === 'task.completed' || event.type === 'task.failed';
      if (final && event.task?.runTimeMs !== undefined) metrics.addMetric(METRIC.runTime, MetricUnit.Milliseconds, event.task.runTimeMs);
      if (final && event.task !== undefined) metrics.addMetric(METRIC.attempts, MetricUnit.Count, event.task.attempts);
    }
    for (const change of circuits) {
      if (change.to === 'HALF_OPEN') continue; // a probe, not a change an operator acts on
      group({ pool: change.pool }).addMetric(change.to === 'OPEN' ? METRIC.circuitOpened : METRIC.circuitClosed, MetricUnit.Count, 1);
    }
    for (const metrics of groups.values()) if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
