import { createDefaultPolicy } from '../../shared/domain/scheduling/default-policy.js';
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
  const run = simulate(workload, policyDispatch(createDefaultPolicy(), options));
  const ref = simulate(workload, referenceDispatch);
  return { policy: measure(workload, run.placements, run.inversions), reference: measure(workload, ref.placements, ref.inversions) };
}
