import type { SchedulingConfig } from '../../shared/domain/scheduling/config.js';

/**
 * The policy's time knobs (max waits, deadline horizon, holdback) with every
 * second multiplied by `factor`. The live bench runs a workload `timeScale` times
 * as fast as real time: the server gets the pool's knobs × timeScale, so it runs
 * the policy the workload was made for (a 300 s deadline horizon stays 300
 * workload seconds, not 6000); × 1/timeScale reads knobs the server ran in real
 * seconds on the workload's clock.
 */
export function knobsTimes(config: SchedulingConfig, factor: number): SchedulingConfig {
  const maxWaitSeconds = Object.fromEntries(Object.entries(config.maxWaitSeconds).map(([p, s]) => [p, s * factor])) as SchedulingConfig['maxWaitSeconds'];
  return { ...config, maxWaitSeconds, deadlineHorizonSeconds: config.deadlineHorizonSeconds * factor, holdbackSeconds: config.holdbackSeconds * factor };
}
