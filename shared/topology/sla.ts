import type { Priority } from '../domain/priority.js';
import { POOLS, type PoolConfig } from './pools.js';

/** How long a task of each priority may wait to start before an operator hears of it. */
export const DEFAULT_SLA_SECONDS: Readonly<Record<Priority, number>> = {
  critical: 30,
  high: 5 * 60,
  normal: 2 * 3600,
  low: 24 * 3600,
};

/** A pool's SLA per priority: its `slaSeconds` over the defaults. */
export function poolSlaSeconds(pool: string, pools: readonly PoolConfig[] = POOLS): Readonly<Record<Priority, number>> {
  const config = pools.find((p) => p.name === pool);
  const sla = { ...DEFAULT_SLA_SECONDS, ...config?.slaSeconds };
  for (const [priority, seconds] of Object.entries(sla)) {
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`pool "${pool}": slaSeconds.${priority} must be a positive number`);
  }
  return sla;
}
