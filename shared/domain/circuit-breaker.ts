/**
 * Circuit breakers, as pure functions over their state. After
 * `failureThreshold` consecutive failed attempts a circuit opens: workers put
 * its tasks back untouched (no attempt burned) for `cooldownSeconds`; then one
 * probe runs (half-open) and its outcome closes or re-opens the circuit.
 * A circuit covers one tenant's one task type on one pool (`CircuitScope`); the
 * policy is the pool's.
 */
export interface CircuitPolicy {
  readonly failureThreshold: number;
  readonly cooldownSeconds: number;
}

export const CIRCUIT = { CLOSED: 'CLOSED', OPEN: 'OPEN', HALF_OPEN: 'HALF_OPEN' } as const;
export type CircuitStatus = (typeof CIRCUIT)[keyof typeof CIRCUIT];

export interface CircuitState {
  readonly status: CircuitStatus;
  readonly consecutiveFailures: number;
  /** When it last opened (OPEN) or when the probe started (HALF_OPEN). */
  readonly since?: string;
}

/**
 * What one circuit covers. Keyed on the pool alone, one tenant's failing task type
 * stopped every tenant's work on that pool; what fails is a handler with its
 * inputs, so a circuit is one tenant's one type (on the pool whose policy applies).
 */
export interface CircuitScope {
  readonly pool: string;
  readonly tenant: string;
  readonly type: string;
}

/** The scope of a task's circuit. */
export const scopeOf = (task: { readonly pool: string; readonly tenant: string; readonly type: string }): CircuitScope => ({
  pool: task.pool,
  tenant: task.tenant,
  type: task.type,
});

/** A scope's key within its pool: tenant names have no `#` and type names none either (validation.ts). */
export const circuitKeyInPool = (scope: Pick<CircuitScope, 'tenant' | 'type'>): string => `${scope.tenant}#${scope.type}`;

export const CLOSED_CIRCUIT: CircuitState = { status: CIRCUIT.CLOSED, consecutiveFailures: 0 };

export type CircuitDecision =
  | { readonly allowed: true; /** the state to store first: set when this caller takes the half-open probe */ readonly next?: CircuitState }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** May a worker start a task now? (Not an admission: that word is for accepting a task at submit.) */
export function circuitDecision(state: CircuitState, now: Date, policy: CircuitPolicy): CircuitDecision {
  if (state.status === CIRCUIT.CLOSED) return { allowed: true };
  const elapsed = (now.getTime() - Date.parse(state.since ?? new Date(0).toISOString())) / 1000;
  const remaining = Math.max(1, Math.ceil(policy.cooldownSeconds - elapsed));
  // OPEN and cooling down, or HALF_OPEN with a probe out that is not yet overdue.
  if (elapsed < policy.cooldownSeconds) return { allowed: false, retryAfterSeconds: remaining };
  return { allowed: true, next: { ...state, status: CIRCUIT.HALF_OPEN, since: now.toISOString() } };
}

export function recordSuccess(_state: CircuitState): CircuitState {
  return CLOSED_CIRCUIT;
}

export function recordFailure(state: CircuitState, now: Date, policy: CircuitPolicy): CircuitState {
  const consecutiveFailures = state.consecutiveFailures + 1;
  if (state.status === CIRCUIT.HALF_OPEN) return { status: CIRCUIT.OPEN, consecutiveFailures, since: now.toISOString() };
  if (state.status === CIRCUIT.OPEN) return { ...state, consecutiveFailures };
  return consecutiveFailures >= policy.failureThreshold
    ? { status: CIRCUIT.OPEN, consecutiveFailures, since: now.toISOString() }
    : { status: CIRCUIT.CLOSED, consecutiveFailures };
}

/** Whether a success must be written (a closed circuit with no failures need not be). */
export function isClean(state: CircuitState): boolean {
  return state.status === CIRCUIT.CLOSED && state.consecutiveFailures === 0;
}

const SEVERITY: Record<CircuitStatus, number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

/**
 * A pool's circuits summed up for /stats and the dashboard: the worst one (OPEN,
 * then HALF_OPEN, then the closed one nearest to opening); CLOSED with no failures
 * when there are none.
 */
export function rollUp(states: readonly CircuitState[]): CircuitState {
  let worst: CircuitState = CLOSED_CIRCUIT;
  for (const state of states) {
    const bySeverity = SEVERITY[state.status] - SEVERITY[worst.status];
    if (bySeverity > 0 || (bySeverity === 0 && state.consecutiveFailures > worst.consecutiveFailures)) worst = state;
  }
  return worst;
}
