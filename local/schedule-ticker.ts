import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TickEvent } from '../functions/tick-schedules.js';
import { SCHEDULE_TICK_ENTRY, SCHEDULE_TICK_LOCAL_MS } from '../shared/topology/routes.js';

/**
 * Invokes the schedule tick function every SCHEDULE_TICK_LOCAL_MS, one tick per
 * call (no window: the timer is the loop here). A tick still running when the
 * next is due is not doubled up; ticks are safe to overlap anyway. Returns the stop.
 */
export async function startScheduleTicker(): Promise<() => Promise<void>> {
  const module = (await import(pathToFileURL(resolve(import.meta.dirname, '..', SCHEDULE_TICK_ENTRY)).href)) as {
    handler: (event: TickEvent, context: unknown) => Promise<unknown>;
  };
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = module
      .handler({}, {})
      .catch((error: unknown) => console.error('schedule tick failed', error))
      .finally(() => (running = undefined));
  }, SCHEDULE_TICK_LOCAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
