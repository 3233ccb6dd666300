import { createDefaultPolicy } from '../../shared/domain/scheduling/default-policy.js';
import { schedulingConfig, type SchedulingConfig } from '../../shared/domain/scheduling/config.js';
import { simulate } from './engine.js';
import { measure, type Metrics } from './metrics.js';
import { policyDispatch } from './policy-dispatch.js';
import { referenceDispatch } from './reference.js';
import type { Workload } from './workload.js';

export interface Comparison {
  readonly policy: Metrics;
  readonly reference: Metrics;
}

/** The default policy and the offline greedy reference on one workload. */
export function compare(workload: Workload, options: { seed: number; topK: number }): Comparison {
  return { policy: simulatePolicy(workload, options), reference: simulateReference(workload) };
}

/** The default policy (with `config`'s knobs, for the ready-set key too) in the simulation. */
export function simulatePolicy(workload: Workload, options: { seed: number; topK: number; config?: Partial<SchedulingConfig> }): Metrics {
  const config = schedulingConfig(options.config);
  const run = simulate(workload, policyDispatch(createDefaultPolicy(config), { ...options, keyConfig: config }), { config });
  return measure(workload, run.placements, run.inversions);
}

/** The offline greedy reference (reference.ts) in the simulation. */
export function simulateReference(workload: Workload): Metrics {
  const ref = simulate(workload, referenceDispatch);
  return measure(workload, ref.placements, ref.inversions);
}
