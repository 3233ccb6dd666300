import { setTimeout as sleep } from 'node:timers/promises';
import { retryDelaySeconds } from '../domain/backoff.js';
import { isAvailable } from '../domain/dispatch.js';
import { scopeOf } from '../domain/circuit-breaker.js';
import { InvalidTransitionError, isPastDeadline, willRetry } from '../domain/state-machine.js';
import type { HeldToken } from '../domain/rate-limit.js';
import type { AgentLease, Task, TaskError } from '../domain/task.js';
import { isTerminal } from '../domain/task-status.js';
import { missingRecordStep } from '../domain/missing-record.js';
import type { CircuitStore } from '../ports/circuit-store.js';
import type { TaskRecords } from '../ports/task-records.js';
import type { Pool } from '../topology/topology.js';
import { checkCircuit } from './circuit.js';
import type { Guard, TaskLifecycle } from './task-lifecycle.js';
import { isWaitForTurn, type WaitForTurn } from './start-gate.js';

/** What claiming and settling a task's attempt needs. */
export interface DeliveryDeps {
  readonly lifecycle: TaskLifecycle;
  readonly records: Pick<TaskRecords, 'get' | 'getMany'>;
  readonly circuits: CircuitStore;
  readonly pools: readonly Pool[];
  readonly now: () => Date;
  /** 0 ≤ r < 1, for backoff jitter. */
  readonly random: () => number;
  /**
   * Whether a job has stopped (CANCELLED or FAILED; may answer a few seconds
   * late): a child of a stopped job is cancelled, not started, even before its
   * job's cancellation reaches it. Without it such a child runs until then.
   */
  readonly jobStopped?: (tenant: string, jobId: string) => Promise<boolean>;
  /** Extra time past the timeout before an ACTIVE task is presumed lost. @default DEFAULT_LEASE_GRACE_SECONDS */
  readonly leaseGraceSeconds?: number;
  /** Waits between re-reads of a record not written yet (tests pass one that does not wait). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
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

/** A delivered message: the task it names, when it was sent, and a rate token reserved for its start. */
export interface Delivery {
  readonly taskId: string;
  readonly tenant: string;
  readonly sentAt?: string;
  readonly token?: HeldToken;
}

export interface ClaimOptions {
  readonly worker: string;
  /** How long the attempt may run. */
  readonly timeoutMs: (task: Task) => number;
  /** Honour the circuit breaker of the task's tenant × type (Lambda workers). */
  readonly checkCircuit: boolean;
}

export type Claim = { readonly claimed: Task; readonly pool: Pool; readonly timeoutMs: number } | DeliveryOutcome;

/**
 * A Lambda worker takes a delivered task for one attempt: PENDING → ACTIVE, a
 * conditional write, so of many copies of a message only one claims it. The rest
 * decides what happens to the message: a finished task's is deleted; a task
 * running elsewhere waits out its lease; a lapsed lease counts as a failed
 * attempt; a passed deadline expires the task; an open circuit puts it back.
 */
export async function claimDelivery(deps: DeliveryDeps, delivery: Delivery, options: ClaimOptions): Promise<Claim> {
  for (let round = 0; round < 8; round++) {
    const found = await readRecord(deps, delivery);
    if ('action' in found) return found;
    let task = found;
    const now = deps.now();
    if (isTerminal(task.status)) return done(`already ${task.status}`);
    // A message for an agent-pool task (misrouted, or copied by hand) must not let a
    // Lambda worker take it from the agents: it is not this message's to run.
    const home = poolOf(deps.pools, task);
    if (home.runsOn !== 'lambda') return done(`a task of agent pool ${home.name}: agents lease it, a Lambda worker never runs it`);
    if (task.status === 'ACTIVE') {
      const leaseLeft = secondsUntil(task.leaseExpiresAt, now);
      if (leaseLeft > 0) return later(leaseLeft, 'running on another worker');
      // The worker that held it stopped before recording an outcome.
      const settled = await settleLapsed(deps, task);
      if (settled.action === 'delete') return settled;
      continue;
    }
    if (!isAvailable(task, now)) return later(secondsUntil(task.availableAt, now), 'not due yet');
    try {
      if (task.job?.role === 'map' && (await deps.jobStopped?.(task.tenant, task.job.id)) === true) {
        await deps.lifecycle.move(task.tenant, task.id, { type: 'cancel' }, { seen: task });
        return done(`job ${task.job.id} stopped before this child started`);
      }
      if (isPastDeadline(task, now)) {
        await deps.lifecycle.move(task.tenant, task.id, { type: 'expire' }, { seen: task });
        return done('deadline passed before start');
      }
      const pool = poolOf(deps.pools, task);
      if (options.checkCircuit) {
        const gate = await checkCircuit(deps.circuits, scopeOf(task), pool.circuit, now);
        if (!gate.allowed) return later(gate.retryAfterSeconds, `circuit of type ${task.type} on pool ${pool.name} is open`);
      }
      const timeoutMs = options.timeoutMs(task);
      // A worker can wait on a delayed message, so an empty bucket reserves its next token for this task.
      const gate = { reserve: true, ...(delivery.token !== undefined ? { held: delivery.token } : {}) };
      task = await deps.lifecycle.move(task.tenant, task.id, startEvent(deps, options.worker, timeoutMs, now), { seen: task, gate });
      return { claimed: task, pool, timeoutMs };
    } catch (error) {
      if (isWaitForTurn(error)) return waitForTurn(deps, task, error);
      // Someone else started, cancelled or expired it between our read and our write.
      if (!(error instanceof InvalidTransitionError)) throw error;
    }
  }
  return later(1, 'contended');
}

/**
 * The delivered task's record. One sent a moment ago may not be written yet
 * (tasks are sent first, then written: task-lifecycle.ts): it is re-read a few
 * times within ~300 ms (strongly consistent reads), then its message comes back
 * after a short visibility growing with its age, and once older than
 * ORPHAN_GRACE_SECONDS it is dropped (domain/missing-record.ts).
 */
async function readRecord(deps: DeliveryDeps, delivery: Delivery): Promise<Task | DeliveryOutcome> {
  for (let rereads = 0; ; rereads++) {
    const task = await deps.records.get(delivery.tenant, delivery.taskId);
    if (task !== undefined) return task;
    const age = delivery.sentAt === undefined ? Infinity : (deps.now().getTime() - Date.parse(delivery.sentAt)) / 1000;
    const step = missingRecordStep(age, rereads);
    if (step.kind === 'drop') return done('no such task');
    if (step.kind === 'retry') return later(step.delaySeconds, 'record not written yet');
    await (deps.sleep ?? sleep)(step.afterMs);
  }
}

/**
 * Its concurrency key is full or its type out of tokens: the task stays PENDING,
 * its attempt uncounted, and comes back on a fresh message, deleting the delivered
 * one. With a token reserved (or kept) for it, the message carries the token and
 * comes back when it is good (SQS delays are whole seconds: up to one late);
 * otherwise when its turn may have come, with a second of jitter to spread the
 * waiters. If the send fails the delivered message is kept instead, without a new
 * token: that token is lost, which only under-runs the limit.
 */
async function waitForTurn(deps: DeliveryDeps, task: Task, wait: WaitForTurn): Promise<DeliveryOutcome> {
  const wantMs = wait.retryAt - deps.now().getTime();
  const seconds = Math.max(1, Math.ceil(wait.options.exact === true ? wantMs / 1000 : wantMs / 1000 + deps.random()));
  if (await deps.lifecycle.requeue(task, seconds, wait.options.token)) return done(`waiting: ${wait.reason}`);
  return later(seconds, `waiting: ${wait.reason}`);
}

/** The `start` event of an attempt of `timeoutMs`, leased until its timeout plus the grace. */
export function startEvent(deps: Pick<DeliveryDeps, 'leaseGraceSeconds'>, worker: string, timeoutMs: number, now: Date, lease?: AgentLease) {
  const leaseExpiresAt = new Date(now.getTime() + timeoutMs + leaseGrace(deps) * 1000).toISOString();
  return { type: 'start' as const, worker, leaseExpiresAt, ...(lease !== undefined ? { lease } : {}) };
}

/** Holds only while the attempt the caller started is the task's current one. */
export function attemptGuard(claimed: Pick<Task, 'attempts' | 'worker'>, onStale: (task: Task) => Error): Guard {
  return (task) => {
    if (task.status !== 'ACTIVE' || task.attempts !== claimed.attempts || task.worker !== claimed.worker) throw onStale(task);
  };
}

/**
 * A failed attempt: back to PENDING after a backoff, or FAILED (its dead letter
 * sent by the lifecycle first). `guard` keeps it to the caller's attempt.
 */
export async function settleFailure(deps: DeliveryDeps, task: Task, error: TaskError, guard?: Guard, options: { backoff?: boolean } = {}): Promise<DeliveryOutcome> {
  const backoff = options.backoff !== false && willRetry(task, error);
  const delay = backoff ? retryDelaySeconds(task.attempts, poolOf(deps.pools, task).retry, deps.random()) : 0;
  const retryAt = new Date(deps.now().getTime() + delay * 1000).toISOString();
  let after: Task;
  try {
    after = await deps.lifecycle.move(task.tenant, task.id, { type: 'fail', error, retryAt }, { seen: task, ...(guard !== undefined ? { guard } : {}) });
  } catch (caught) {
    if (caught instanceof InvalidTransitionError) return done(`finished as ${caught.from} meanwhile`);
    throw caught;
  }
  if (after.status === 'FAILED') return done(`failed after ${after.attempts} attempt(s): ${error.message}`);
  return later(delay, `retrying: ${error.message}`);
}

/** An attempt whose lease lapsed: a failed attempt, unless a heartbeat extended it meanwhile. */
export async function settleLapsed(deps: DeliveryDeps, task: Task): Promise<DeliveryOutcome> {
  const lapsed: Guard = (t) => {
    if (t.status === 'ACTIVE' && t.attempts === task.attempts && secondsUntil(t.leaseExpiresAt, deps.now()) > 0) throw new LeaseStillHeld(t);
    if (t.status !== 'ACTIVE' || t.attempts !== task.attempts) throw new InvalidTransitionError('fail', t.status);
  };
  try {
    // No backoff: the task did not fail, its worker vanished; the next attempt may start at once.
    return await settleFailure(deps, task, { message: 'attempt lost: the worker stopped before finishing', type: 'AttemptLost' }, lapsed, { backoff: false });
  } catch (error) {
    if (error instanceof LeaseStillHeld) return later(secondsUntil(error.task.leaseExpiresAt, deps.now()), 'lease extended meanwhile');
    throw error;
  }
}

/**
 * An agent's attempt whose agent went silent (AGENT_LOST_AFTER_SECONDS) before
 * its lease lapsed: a lost attempt, as if the lease had lapsed. Refused when the
 * task changed since `task` was read (a heartbeat or progress: the agent is alive).
 * An agent that was only cut off (a partition longer than that) finds its lease
 * gone on its next call (409) and drops its result; the task runs again, which
 * is what at-least-once allows.
 */
export async function settleAbandoned(deps: DeliveryDeps, task: Task, silentSeconds: number): Promise<DeliveryOutcome> {
  const unchanged: Guard = (t) => {
    if (t.status !== 'ACTIVE' || t.attempts !== task.attempts || t.lease?.token !== task.lease?.token) throw new InvalidTransitionError('fail', t.status);
    if (t.updatedAt !== task.updatedAt || t.leaseExpiresAt !== task.leaseExpiresAt) throw new LeaseStillHeld(t);
  };
  const error = { message: `attempt lost: its agent ${task.worker ?? ''} was silent for ${Math.round(silentSeconds)} s`, type: 'AttemptLost' };
  try {
    return await settleFailure(deps, task, error, unchanged, { backoff: false });
  } catch (caught) {
    if (caught instanceof LeaseStillHeld) return later(secondsUntil(caught.task.leaseExpiresAt, deps.now()), 'the agent was heard from meanwhile');
    throw caught;
  }
}

/** The lease was extended between our read and our write: the attempt is alive. */
class LeaseStillHeld extends Error {
  constructor(readonly task: Task) {
    super('lease still held');
  }
}

export function poolOf(pools: readonly Pool[], task: Pick<Task, 'id' | 'pool'>): Pool {
  const pool = pools.find((p) => p.name === task.pool);
  if (pool === undefined) throw new Error(`task ${task.id} names pool ${task.pool}, which this deployment does not have`);
  return pool;
}

export function secondsUntil(iso: string | undefined, now: Date): number {
  return iso === undefined ? 0 : (Date.parse(iso) - now.getTime()) / 1000;
}
