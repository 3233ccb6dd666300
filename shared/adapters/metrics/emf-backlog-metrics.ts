import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PRIORITIES } from '../../domain/priority.js';
import type { BacklogMetrics, PoolBacklog } from '../../ports/backlog.js';
import { METRIC, METRICS_NAMESPACE } from './emf-event-metrics.js';

/** The `service` dimension of the sweep's metrics: the stack's backlog alarms name it. */
export const BACKLOG_METRICS_SERVICE = 'taskfleet-sweep';

/**
 * `OldestReadySeconds` per agent pool × priority, as EMF (one log document per pool ×
 * priority, no CloudWatch API call). A priority with nothing waiting reports 0, so the
 * alarm sees a value every run rather than missing data.
 */
export class EmfBacklogMetrics implements BacklogMetrics {
  record(backlogs: readonly PoolBacklog[]): void {
    for (const backlog of backlogs) {
      for (const priority of PRIORITIES) {
        const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: BACKLOG_METRICS_SERVICE });
        metrics.addDimensions({ pool: backlog.pool, priority });
        metrics.addMetric(METRIC.oldestReady, MetricUnit.Seconds, backlog.oldestSeconds[priority]);
        metrics.publishStoredMetrics();
      }
    }
  }
}
