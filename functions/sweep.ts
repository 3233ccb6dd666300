import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { AppServices } from '../shared/composition.js';
import { logger } from '../shared/logger.js';
import { reconcileJobs } from '../shared/services/fan-in.js';
import { measureBacklog } from '../shared/services/measure-backlog.js';
import { sweepDue } from '../shared/services/sweep.js';
import { servicesFromEnvironment } from './environment-services.js';

/** The backlog is measured at most once a minute per instance (the local runtime sweeps every few seconds). */
const BACKLOG_EVERY_MS = 55_000;

/** Scheduled: acts on due timers (delays, deadlines, lapsed agent leases, next stages), finishes what crashes left of jobs, and reports the agent pools' oldest waiting tasks (the backlog alarms' metric). */
export const makeHandler = (services: () => AppServices) => {
  // When this instance (one per container) last measured the backlog.
  let lastBacklog = 0;
  return middy().use(injectLambdaContext(logger)).handler(async () => {
    const timers = await sweepDue(services().sweepDeps());
    if (Object.values(timers).some((n) => n > 0)) logger.info('timers swept', { ...timers });
    const jobs = await reconcileJobs(services().jobDeps);
    if (Date.now() - lastBacklog >= BACKLOG_EVERY_MS) {
      lastBacklog = Date.now();
      try {
        services().backlogMetrics.record(await measureBacklog(services().backlogDeps()));
      } catch (error) {
        logger.warn('agent pool backlog not measured; the next run will', { error: String(error) });
      }
    }
    return { timers, jobs };
  });
};

export const handler = makeHandler(servicesFromEnvironment());
