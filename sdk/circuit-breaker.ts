/**
 * The agent Worker's circuit breaker, as pure functions over its state: after
 * `failureThreshold` consecutive failures to reach the API the circuit opens and
 * the Worker stops leasing for `cooldownSeconds`; then one probe lease (of one
 * task) runs half-open, and its outcome closes or re-opens the circuit. The
 * SDK's own copy: the package depends on nothing of the server's.
 */

/**
 * When the Worker's breaker opens and how long it stays open.
 *
 * @example
 * ```ts
 * new Worker({ url, token, capabilities: ['shell'], handlers, circuit: { failureThreshold: 3, cooldownSeconds: 60 } });
 * ```
 */
export interface CircuitPolicy {
  /** Consecutive failures that open the circuit. @default 5 */
  readonly failureThreshold?: number;
  /** How long an open circuit stops leasing before one probe. @default 30 */
  readonly cooldownSeconds?: number;
}

export const DEFAULT_CIRCUIT: Required<CircuitPolicy> = { failureThreshold: 5, cooldownSeconds: 30 };

export type CircuitStatus = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface CircuitState {
  readonly status: CircuitStatus;
  readonly consecutiveFailures: number;
  /** When it last opened (OPEN) or when the probe started (HALF_OPEN), in ms since the epoch. */
  readonly sinceMs?: number;
}

export const CLOSED_CIRCUIT: CircuitState = { status: 'CLOSED', consecutiveFailures: 0 };

export type Admission = { readonly allowed: true; readonly next: CircuitState } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** May the Worker lease now? `next` is the state to keep (half-open when this is the probe). */
export function admit(state: CircuitState, nowMs: number, policy: Required<CircuitPolicy>): Admission {
  if (state.status === 'CLOSED') return { allowed: true, next: state };
  const elapsed = (nowMs - (state.sinceMs ?? 0)) / 1000;
  // OPEN and cooling down, or HALF_OPEN with a probe out that is not yet overdue.
  if (elapsed < policy.cooldownSeconds) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(policy.cooldownSeconds - elapsed)) };
  return { allowed: true, next: { ...state, status: 'HALF_OPEN', sinceMs: nowMs } };
}

export function recordSuccess(_state: CircuitState): CircuitState {
  return CLOSED_CIRCUIT;
}

export function recordFailure(state: CircuitState, nowMs: number, policy: Required<CircuitPolicy>): CircuitState {
  const consecutiveFailures = state.consecutiveFailures + 1;
  if (state.status === 'HALF_OPEN') return { status: 'OPEN', consecutiveFailures, sinceMs: nowMs };
  if (state.status === 'OPEN') return { ...state, consecutiveFailures };
  return consecutiveFailures >= policy.failureThreshold ? { status: 'OPEN', consecutiveFailures, sinceMs: nowMs } : { status: 'CLOSED', consecutiveFailures };
}
