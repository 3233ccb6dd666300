import { retryDelaySeconds } from '../domain/backoff.js';
import { InvalidTransitionError, isPastDeadline, willRetry } from '../domain/state-machine.js';
import { jsonByteLength, LIMITS } from '../domain/limits.js';
import { toTaskView, type Json, type Task, type TaskError } from '../domain/task.js';
import { isTerminal } from '../domain/task-status.js';
import { UnrecoverableError, type HandlerRegistry, type TaskContext } from '../handlers.js';
import type { CircuitStore } from '../ports/circuit-store.js';
import type { DeadLetters } from '../ports/dead-letters.js';
import type { TaskStore } from '../ports/task-store.js';
import type { Pool } from '../topology/topology.js';
import { admitToPool, recordOutcome } from './circuit.js';

export interface ExecutionDeps {
  readonly store: TaskStore;
  readonly circuits: CircuitStore;
  readonly deadLetters: DeadLetters;
  readonly handlers: HandlerRegistry;
  readonly pools: readonly Pool[];
  readonly workerId: string;
  readonly now: () => Date;
  /** 0 ≤ r < 1, for backoff jitter. */
  readonly random: () => number;
  /** How long this invocation may still run (Lambda's remaining time). */
  readonly remainingMs: () => number;
}

/** What to do with the message that carried the task. */
export type DeliveryOutcome =
  /** Finished with this message: delete it. */
  | { readonly action: 'delete'; readonly reason: string }
  /** Keep the message and make it visible again after `delaySeconds`. */
  | { readonly action: 'retry'; readonly delaySeconds: number; readonly reason: string };

/** Extra time past the timeout before an ACTIVE task is presumed lost. */
const LEASE_GRACE_SECONDS = 30;
/** Time kept back from the Lambda's own timeout to record the outcome. */
const SAFETY_MS = 3_000;
const SQS_MAX_VISIBILITY = 43_200;

const done = (reason: string): DeliveryOutcome => ({ action: 'delete', reason });
const later = (delaySeconds: number, reason: string): DeliveryOutcome => ({
  action: 'retry',
  delaySeconds: Math.min(SQS_MAX_VISIBILITY, Math.max(0, Math.ceil(delaySeconds))),
  reason,
});

/**
 * Handles one delivery of a task message. Every state change is a conditional
 * write, so a duplicate delivery never runs a finished task again, and a
 * message is only let go once the task is terminal (or in the DLQ).
 */
export async function executeDelivery(deps: ExecutionDeps, taskId: string): Promise<DeliveryOutcome> {
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
  if (isPastDeadline(task, now)) return transitionOrDone(deps, task, 'expire', 'deadline passed before start');

  const pool = poolOf(deps, task);
  const gate = await admitToPool(deps.circuits, pool.name, pool.circuit, now);
  if (!gate.allowed) return later(gate.retryAfterSeconds, `circuit of pool ${pool.name} is open`);

  const timeoutMs = Math.max(1_000, Math.min(task.timeoutSeconds * 1000, deps.remainingMs() - SAFETY_MS));
  let active: Task;
  try {
    active = await deps.store.apply(
      task.id,
      { type: 'start', worker: deps.workerId, leaseExpiresAt: new Date(now.getTime() + timeoutMs + LEASE_GRACE_SECONDS * 1000).toISOString() },
      now,
      task,
    );
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error;
    // Someone else started (or cancelled) it between our read and our write.
    return executeDelivery(deps, taskId);
  }

  const handler = deps.handlers[active.type];
  if (handler === undefined) {
    return settleFailure(deps, active, { message: `no handler for task type "${active.type}"`, type: 'UnknownTaskType', retryable: false });
  }
  const outcome = await runHandler(deps, active, handler, timeoutMs);
  if (outcome.ok) return complete(deps, outcome.latest, pool, outcome.result);
  if (outcome.cancelled) return done('cancelled while running');
  if (outcome.error.retryable !== false) await recordOutcome(deps.circuits, pool.name, pool.circuit, false, deps.now());
  return settleFailure(deps, outcome.latest, outcome.error);
}

async function complete(deps: ExecutionDeps, task: Task, pool: Pool, result: Json): Promise<DeliveryOutcome> {
  const bytes = jsonByteLength(result);
  if (bytes > LIMITS.payloadBytes) {
    return settleFailure(deps, task, {
      message: `result is ${bytes} bytes serialized; the limit is ${LIMITS.payloadBytes}`,
      type: 'ResultTooLarge',
      retryable: false,
    });
  }
  await recordOutcome(deps.circuits, pool.name, pool.circuit, true, deps.now());
  try {
    await deps.store.apply(task.id, { type: 'complete', result }, deps.now(), task);
    return done('completed');
  } catch (error) {
    if (error instanceof InvalidTransitionError) return done(`finished as ${error.from} meanwhile`);
    throw error;
  }
}

/**
 * A failed attempt: back to PENDING with a backoff, or FAILED with a dead letter.
 * The dead letter is sent before FAILED is recorded: a crash in between makes the
 * redelivery settle the task again (a second letter, at worst), never a FAILED
 * task missing from its DLQ.
 */
async function settleFailure(deps: ExecutionDeps, task: Task, error: TaskError): Promise<DeliveryOutcome> {
  if (!willRetry(task, error)) await deps.deadLetters.send(task, error, deps.now());
  let after: Task;
  try {
    after = await deps.store.apply(task.id, { type: 'fail', error }, deps.now(), task);
  } catch (caught) {
    if (caught instanceof InvalidTransitionError) return done(`finished as ${caught.from} meanwhile`);
    throw caught;
  }
  if (after.status === 'FAILED') return done(`failed after ${after.attempts} attempt(s): ${error.message}`);
  const pool = poolOf(deps, task);
  return later(retryDelaySeconds(after.attempts, pool.retry, deps.random()), `retrying: ${error.message}`);
}

async function transitionOrDone(deps: ExecutionDeps, task: Task, event: 'expire', reason: string): Promise<DeliveryOutcome> {
  try {
    await deps.store.apply(task.id, { type: event }, deps.now(), task);
    return done(reason);
  } catch (error) {
    if (error instanceof InvalidTransitionError) return executeDelivery(deps, task.id);
    throw error;
  }
}

/** `latest`: the record as this worker last wrote it, so the outcome's write needs no read. */
type HandlerOutcome = { ok: true; result: Json; latest: Task } | { ok: false; error: TaskError; cancelled: boolean; latest: Task };

/** Progress writes closer together than this are dropped (the last one, 1.0, always goes). */
const PROGRESS_INTERVAL_MS = 250;

async function runHandler(
  deps: ExecutionDeps,
  task: Task,
  handler: NonNullable<HandlerRegistry[string]>,
  timeoutMs: number,
): Promise<HandlerOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
  let lastProgress = 0;
  let latest = task;
  const ctx: TaskContext = {
    signal: controller.signal,
    attempt: task.attempts,
    task: toTaskView(task),
    progress: async (fraction, message) => {
      const now = Date.now();
      if (fraction < 1 && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
      try {
        latest = await deps.store.apply(
          task.id,
          { type: 'progress', progress: { fraction: clamped, ...(message ? { message } : {}) } },
          deps.now(),
          latest,
        );
      } catch (error) {
        // No longer ACTIVE: cancelled (or timed out and settled). Tell the handler to stop.
        if (error instanceof InvalidTransitionError) controller.abort(new CancelledError(error.from));
        else throw error;
      }
    },
  };
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => handler(task.payload, ctx)), aborted]);
    return { ok: true, result: result === undefined ? null : result, latest };
  } catch (error) {
    return { ok: false, error: toTaskError(error), cancelled: controller.signal.reason instanceof CancelledError, latest };
  } finally {
    clearTimeout(timer);
    aborted.catch(() => undefined);
  }
}

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${Math.round(ms / 1000)} s`);
    this.name = 'TimeoutError';
  }
}

class CancelledError extends Error {
  constructor(status: string) {
    super(`stopped: the task is ${status}`);
    this.name = 'CancelledError';
  }
}

function toTaskError(error: unknown): TaskError {
  if (error instanceof UnrecoverableError) return { message: error.message, type: error.name, retryable: false };
  if (error instanceof Error) return { message: error.message, type: error.name };
  return { message: String(error) };
}

function poolOf(deps: ExecutionDeps, task: Task): Pool {
  const pool = deps.pools.find((p) => p.name === task.pool);
  if (pool === undefined) throw new Error(`task ${task.id} names pool ${task.pool}, which this deployment does not have`);
  return pool;
}

function secondsUntil(iso: string | undefined, now: Date): number {
  return iso === undefined ? 0 : (Date.parse(iso) - now.getTime()) / 1000;
}
