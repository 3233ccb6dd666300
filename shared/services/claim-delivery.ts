import { retryDelaySeconds } from '../domain/backoff.js';
import { InvalidTransitionError, isPastDeadline, willRetry } from '../domain/state-machine.js';
import type { AgentLease, Task, TaskError } from '../domain/task.js';
import { isTerminal } from '../domain/task-status.js';
import type { CircuitStore } from '../ports/circuit-store.js';
import type { DeadLetters } from '../ports/dead-letters.js';
import type { TaskStore } from '../ports/task-store.js';
import type { Pool } from '../topology/topology.js';
import { admitToPool } from './circuit.js';

/** What claiming and settling a delivered task needs. */
export interface DeliveryDeps {
  readonly store: TaskStore;
  readonly circuits: CircuitStore;
  readonly deadLetters: DeadLetters;
  readonly pools: readonly Pool[];
  readonly now: () => Date;
  /** 0 ≤ r < 1, for backoff jitter. */
  readonly random: () => number;
  /** Extra time past the timeout before an ACTIVE task is presumed lost. @default DEFAULT_LEASE_GRACE_SECONDS */
  readonly leaseGraceSeconds?: number;
}

/** What to do with the message that carried the task. */
export type DeliveryOutcome =
  /** Finished with this message: delete it. */
  | { readonly action: 'delete'; readonly reason: string }
  /** Keep the message and make it visible again after `delaySeconds`. */
  | { readonly action: 'retry'; readonly delaySeconds: number; readonly reason: string };

export const DEFAULT_LEASE_GRACE_SECONDS = 30;

/** How long past its timeout a running attempt is still presumed alive. */
export const leaseGrace = (deps: Pick<DeliveryDeps, 'leaseGraceSeconds'>): number => deps.leaseGraceSeconds ?? DEFAULT_LEASE_GRACE_SECONDS;
export const SQS_MAX_VISIBILITY = 43_200;

export const done = (reason: string): DeliveryOutcome => ({ action: 'delete', reason });
export const later = (delaySeconds: number, reason: string): DeliveryOutcome => ({
  action: 'retry',
  delaySeconds: Math.min(SQS_MAX_VISIBILITY, Math.max(0, Math.ceil(delaySeconds))),
  reason,
});

export interface ClaimOptions {
  readonly worker: string;
  /** How long the attempt may run. */
  readonly timeoutMs: (task: Task) => number;
  /** For an agent: the token and message its later calls are checked against. */
  readonly lease?: AgentLease;
  /** May this worker run it? If not it goes back to its queue at once, no attempt burned. */
  readonly accept?: (task: Task) => boolean;
  /** Honour the pool's circuit breaker (Lambda workers). */
  readonly checkCircuit: boolean;
}

export type Claim = { readonly claimed: Task; readonly pool: Pool; readonly timeoutMs: number } | DeliveryOutcome;

/**
 * Takes a delivered task for one attempt: PENDING → ACTIVE, a conditional write,
 * so of many copies of a message only one claims it. Everything else decides
 * what happens to the message: a finished task's is deleted; a task running
 * elsewhere waits out its lease; a lapsed lease counts as a failed attempt; a
 * passed deadline expires the task; an open circuit puts it back untouched.
 */
export async function claimDelivery(deps: DeliveryDeps, taskId: string, options: ClaimOptions): Promise<Claim> {
  let task = await deps.store.get(taskId);
  if (task === undefined) return done('no such task');
  if (isTerminal(task.status)) return done(`already ${task.status}`);

  if (task.status === 'ACTIVE') {
    const leaseLeft = secondsUntil(task.leaseExpiresAt, deps.now());
    if (leaseLeft > 0) return later(leaseLeft, 'running on another worker');
    // The worker that held it stopped before recording an outcome.
    const settled = await settleFailure(deps, task, { message: 'attempt lost: the worker stopped before finishing' });
    if (settled.action === 'delete') return settled;
    task = await deps.store.get(taskId);
    if (task === undefined || task.status !== 'PENDING') return done('settled elsewhere');
  }

  const now = deps.now();
  if (isPastDeadline(task, now)) {
    try {
      await deps.store.apply(task.id, { type: 'expire' }, now, { seen: task });
      return done('deadline passed before start');
    } catch (error) {
      if (error instanceof InvalidTransitionError) return claimDelivery(deps, taskId, options);
      throw error;
    }
  }
  if (options.accept !== undefined && !options.accept(task)) return later(0, 'not for this worker');

  const pool = poolOf(deps.pools, task);
  if (options.checkCircuit) {
    const gate = await admitToPool(deps.circuits, pool.name, pool.circuit, now);
    if (!gate.allowed) return later(gate.retryAfterSeconds, `circuit of pool ${pool.name} is open`);
  }

  const timeoutMs = options.timeoutMs(task);
  const leaseExpiresAt = new Date(now.getTime() + timeoutMs + leaseGrace(deps) * 1000).toISOString();
  try {
    const claimed = await deps.store.apply(
      task.id,
      { type: 'start', worker: options.worker, leaseExpiresAt, ...(options.lease !== undefined ? { lease: options.lease } : {}) },
      now,
      { seen: task },
    );
    return { claimed, pool, timeoutMs };
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error;
    // Someone else started (or cancelled) it between our read and our write.
    return claimDelivery(deps, taskId, options);
  }
}

/**
 * A failed attempt: back to PENDING with a backoff, or FAILED with a dead letter.
 * The dead letter is sent before FAILED is recorded: a crash in between makes the
 * redelivery settle the task again (a second letter, at worst), never a FAILED
 * task missing from its DLQ.
 */
export async function settleFailure(deps: DeliveryDeps, task: Task, error: TaskError, guard?: (task: Task) => void): Promise<DeliveryOutcome> {
  if (!willRetry(task, error)) await deps.deadLetters.send(task, error, deps.now());
  let after: Task;
  try {
    after = await deps.store.apply(task.id, { type: 'fail', error }, deps.now(), { seen: task, ...(guard !== undefined ? { guard } : {}) });
  } catch (caught) {
    if (caught instanceof InvalidTransitionError) return done(`finished as ${caught.from} meanwhile`);
    throw caught;
  }
  if (after.status === 'FAILED') return done(`failed after ${after.attempts} attempt(s): ${error.message}`);
  return later(retryDelaySeconds(after.attempts, poolOf(deps.pools, task).retry, deps.random()), `retrying: ${error.message}`);
}

export function poolOf(pools: readonly Pool[], task: Pick<Task, 'id' | 'pool'>): Pool {
  const pool = pools.find((p) => p.name === task.pool);
  if (pool === undefined) throw new Error(`task ${task.id} names pool ${task.pool}, which this deployment does not have`);
  return pool;
}

function secondsUntil(iso: string | undefined, now: Date): number {
  return iso === undefined ? 0 : (Date.parse(iso) - now.getTime()) / 1000;
}
