import { circuitDecision, isClean, recordFailure, recordSuccess, type CircuitPolicy, type CircuitScope } from '../domain/circuit-breaker.js';
import type { CircuitStore } from '../ports/circuit-store.js';

/** Lost compare-and-set races before giving up on a circuit update. */
const MAX_RACES = 5;

/**
 * May this worker start a task of `scope` (a tenant's task type on a pool) now?
 * Taking the half-open probe is a compare-and-set, so of many workers only one probes.
 */
export async function checkCircuit(
  circuits: CircuitStore,
  scope: CircuitScope,
  policy: CircuitPolicy,
  now: Date,
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  for (let race = 0; race < MAX_RACES; race++) {
    const { state, version } = await circuits.get(scope);
    const decision = circuitDecision(state, now, policy);
    if (!decision.allowed) return decision;
    if (decision.next === undefined) return { allowed: true };
    if (await circuits.compareAndSet(scope, decision.next, version)) return { allowed: true };
  }
  return { allowed: false, retryAfterSeconds: 1 };
}

/** Records an attempt's outcome in its circuit (the tenant's task type on the pool). */
export async function recordOutcome(
  circuits: CircuitStore,
  scope: CircuitScope,
  policy: CircuitPolicy,
  succeeded: boolean,
  now: Date,
): Promise<void> {
  for (let race = 0; race < MAX_RACES; race++) {
    const { state, version } = await circuits.get(scope);
    if (succeeded && isClean(state)) return; // nothing to write on the common path
    const next = succeeded ? recordSuccess(state) : recordFailure(state, now, policy);
    if (await circuits.compareAndSet(scope, next, version)) return;
  }
}
