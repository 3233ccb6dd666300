import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { EmfBacklogMetrics } from '../shared/adapters/metrics/emf-backlog-metrics.js';
import { reconcileJobs } from '../shared/services/fan-in.js';
import { measureBacklog } from '../shared/services/measure-backlog.js';
import { sweepDue } from '../shared/services/sweep.js';
import { backlogDeps, jobDeps, logger, sweepDeps } from '../shared/wiring.js';

/** The backlog is measured at most once a minute per container (the local runtime sweeps every few seconds). */
const BACKLOG_EVERY_MS = 55_000;
let lastBacklog = 0;
const metrics = new EmfBacklogMetrics();

/** Scheduled: acts on due timers (delays, deadlines, lapsed agent leases, next stages), finishes what crashes left of jobs, and reports the agent pools' oldest waiting tasks (the backlog alarms' metric). */
export const handler = middy().use(injectLambdaContext(logger)).handler(async () => {
  const timers = await sweepDue(sweepDeps());
  if (Object.values(timers).some((n) => n > 0)) logger.info('timers swept', { ...timers });
  const jobs = await reconcileJobs(jobDeps());
  if (Date.now() - lastBacklog >= BACKLOG_EVERY_MS) {
    lastBacklog = Date.now();
    try {
      metrics.record(await measureBacklog(backlogDeps()));
    } catch (error) {
      logger.warn('agent pool backlog not measured; the next run will', { error: String(error) });
    }
  }
  return { timers, jobs };
});
