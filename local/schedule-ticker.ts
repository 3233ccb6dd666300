import type { TickEvent } from '../functions/tick-schedules.js';
import type { AppServices } from '../shared/composition.js';
import { importHandler } from './handler-modules.js';
import { SCHEDULE_TICK_ENTRY, SCHEDULE_TICK_LOCAL_MS } from '../shared/topology/routes.js';

/**
 * Invokes the schedule tick function every SCHEDULE_TICK_LOCAL_MS, one tick per
 * call (no window: the timer is the loop here). A tick still running when the
 * next is due is not doubled up; ticks are safe to overlap anyway. Returns the stop.
 */
export async function startScheduleTicker(services: () => AppServices): Promise<() => Promise<void>> {
  const handler = await importHandler<(event: TickEvent, context: unknown) => Promise<unknown>>(SCHEDULE_TICK_ENTRY, services);
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = handler({}, {})
      .catch((error: unknown) => console.error('schedule tick failed', error))
      .finally(() => (running = undefined));
  }, SCHEDULE_TICK_LOCAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
