import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { tickWindow, type TickResult } from '../shared/services/schedule-tick.js';
import type { AppServices } from '../shared/composition.js';
import { logger } from '../shared/logger.js';
import { servicesFromEnvironment } from './environment-services.js';

/** EventBridge's scheduled event carries `time`; the rule adds `windowSeconds`. */
export interface TickEvent {
  readonly time?: string;
  readonly windowSeconds?: number;
}

/**
 * The schedule tick. EventBridge invokes it every minute with `windowSeconds`
 * (set on the rule) and its scheduled `time`: it ticks at that instant, then
 * sleeps to each due time inside the window, so sub-minute `every` schedules run
 * on time. The local runtime's timer invokes it every second with no window: one
 * tick. A tick delivered twice (same `time`) submits each run once.
 */
export const makeHandler = (services: () => AppServices) =>
  middy<TickEvent, TickResult>().use(injectLambdaContext(logger)).handler(async (event) => {
  const deps = services().scheduleDeps();
  const at = event.time === undefined ? deps.now() : new Date(event.time);
  const result = await tickWindow(deps, at, (event.windowSeconds ?? 0) * 1000, (ms) => sleep(ms));
  if (result.due > 0) logger.info('schedules ticked', { ...result });
  return result;
});

export const handler = makeHandler(servicesFromEnvironment());
