/**
 * What a pool can promise a task, decided before the task is accepted. A Lambda
 * pool's worker lives at most `workerTimeoutSeconds`, and keeps a margin to
 * record the outcome; a task asking for longer would be cut short on every
 * attempt, so it is refused up front rather than capped silently.
 */
import { LIMITS } from './limits.js';

/** Seconds a Lambda worker keeps for itself: the execution's safety margin and the outcome's writes. */
export const LAMBDA_WORKER_MARGIN_SECONDS = 5;

export interface AdmissionPool {
  readonly name: string;
  readonly runsOn: 'lambda' | 'agents';
  readonly workerTimeoutSeconds: number;
}

/** The longest `timeoutSeconds` a pool honours. */
export function maxTaskSeconds(pool: AdmissionPool): number {
  if (pool.runsOn === 'agents') return LIMITS.timeoutSeconds;
  return Math.max(1, pool.workerTimeoutSeconds - LAMBDA_WORKER_MARGIN_SECONDS);
}

export type TimeoutAdmission =
  | { readonly ok: true; readonly timeoutSeconds: number }
  | { readonly ok: false; readonly message: string };

/**
 * A task's timeout on its pool: an asked-for timeout beyond the pool's limit is
 * refused, naming the limit; the default (nothing asked) becomes the limit when
 * the pool cannot run that long.
 */
export function admitTimeout(pool: AdmissionPool, timeoutSeconds: number, asked: boolean): TimeoutAdmission {
  const max = maxTaskSeconds(pool);
  if (timeoutSeconds <= max) return { ok: true, timeoutSeconds };
  if (!asked) return { ok: true, timeoutSeconds: max };
  return { ok: false, message: `pool ${pool.name} runs tasks for at most ${max} s` };
}
