import type { Priority } from '../domain/priority.js';

/** How long a task of each priority may wait to start before an operator hears of it. */
export const DEFAULT_SLA_SECONDS: Readonly<Record<Priority, number>> = {
  critical: 30,
  high: 5 * 60,
  normal: 2 * 3600,
  low: 24 * 3600,
};

/** A pool's SLA per priority: its `slaSeconds` over the defaults. Throws on a value that is not a positive number. */
export function resolveSla(pool: string, given: Partial<Record<Priority, number>> = {}): Readonly<Record<Priority, number>> {
  const sla = { ...DEFAULT_SLA_SECONDS, ...given };
  for (const [priority, seconds] of Object.entries(sla)) {
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`pool "${pool}": slaSeconds.${priority} must be a positive number`);
  }
  return sla;
}
