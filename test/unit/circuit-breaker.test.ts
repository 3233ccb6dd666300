import { describe, expect, it } from 'vitest';
import { circuitDecision, circuitKeyInPool, CLOSED_CIRCUIT, recordFailure, recordSuccess, rollUp, scopeOf, type CircuitState } from '../../shared/domain/circuit-breaker.js';

const policy = { failureThreshold: 3, cooldownSeconds: 10 };
const at = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

function failTimes(n: number, state: CircuitState = CLOSED_CIRCUIT): CircuitState {
  let s = state;
  for (let i = 0; i < n; i++) s = recordFailure(s, at(0), policy);
  return s;
}

describe('circuit breaker', () => {
  it('stays closed below the threshold', () => {
    expect(failTimes(2)).toEqual({ status: 'CLOSED', consecutiveFailures: 2 });
    expect(circuitDecision(failTimes(2), at(0), policy)).toEqual({ allowed: true });
  });

  it('opens after N consecutive failures and holds for the cool-down', () => {
    const open = failTimes(3);
    expect(open.status).toBe('OPEN');
    expect(circuitDecision(open, at(0), policy)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(circuitDecision(open, at(9), policy)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('half-opens after the cool-down: one probe, the others wait', () => {
    const admission = circuitDecision(failTimes(3), at(10), policy);
    expect(admission).toEqual({ allowed: true, next: { status: 'HALF_OPEN', consecutiveFailures: 3, since: at(10).toISOString() } });
    const halfOpen = admission.allowed && admission.next ? admission.next : CLOSED_CIRCUIT;
    expect(circuitDecision(halfOpen, at(11), policy)).toMatchObject({ allowed: false });
  });

  it('closes when the probe succeeds', () => {
    const halfOpen: CircuitState = { status: 'HALF_OPEN', consecutiveFailures: 3, since: at(10).toISOString() };
    expect(recordSuccess(halfOpen)).toEqual(CLOSED_CIRCUIT);
  });

  it('re-opens when the probe fails', () => {
    const halfOpen: CircuitState = { status: 'HALF_OPEN', consecutiveFailures: 3, since: at(10).toISOString() };
    expect(recordFailure(halfOpen, at(12), policy)).toEqual({ status: 'OPEN', consecutiveFailures: 4, since: at(12).toISOString() });
  });

  it('a success resets the count of consecutive failures', () => {
    expect(failTimes(2, recordSuccess(failTimes(2))).status).toBe('CLOSED');
  });
});

describe('what a circuit covers', () => {
  it("is one tenant's one task type on the task's pool", () => {
    const task = { id: 't1', pool: 'general', tenant: 'acme', type: 'resize', priority: 'normal' };
    expect(scopeOf(task)).toEqual({ pool: 'general', tenant: 'acme', type: 'resize' });
  });

  it('gives each tenant × type its own key, so no two share a circuit', () => {
    const keys = ['acme', 'globex'].flatMap((tenant) => ['fail', 'echo', 'a:b.c_d-e'].map((type) => circuitKeyInPool({ tenant, type })));
    expect(new Set(keys).size).toBe(6);
    expect(circuitKeyInPool({ tenant: 'acme', type: 'fail' })).toBe('acme#fail');
  });

  it("sums up a pool's circuits as the worst of them", () => {
    const open = failTimes(3);
    const twoFailures = failTimes(2);
    expect(rollUp([])).toEqual(CLOSED_CIRCUIT);
    expect(rollUp([CLOSED_CIRCUIT, twoFailures, failTimes(1)])).toEqual(twoFailures);
    expect(rollUp([twoFailures, open, CLOSED_CIRCUIT])).toEqual(open);
    const admission = circuitDecision(open, at(11), policy);
    const halfOpen = admission.allowed && admission.next !== undefined ? admission.next : open;
    expect(rollUp([halfOpen, twoFailures]).status).toBe('HALF_OPEN');
  });
});
