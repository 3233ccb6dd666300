import { scopeOf } from '../domain/circuit-breaker.js';
import { InvalidTransitionError } from '../domain/state-machine.js';
import { StaleLeaseError } from '../errors.js';
import { jsonByteLength, LIMITS } from '../domain/limits.js';
import { toTaskView, type Json, type Task, type TaskError } from '../domain/task.js';
import { UnrecoverableError, type HandlerRegistry, type TaskContext } from '../handlers.js';
import type { Pool } from '../topology/topology.js';
import { attemptGuard, claimDelivery, done, settleFailure, type Delivery, type DeliveryDeps, type DeliveryOutcome } from './claim-delivery.js';
import type { Guard } from './task-lifecycle.js';
import { recordOutcome } from './circuit.js';
import { childResults } from './child-results.js';

export interface ExecutionDeps extends DeliveryDeps {
  readonly handlers: HandlerRegistry;
  readonly workerId: string;
  /** How long this invocation may still run (Lambda's remaining time). */
  readonly remainingMs: () => number;
}

export type { DeliveryOutcome } from './claim-delivery.js';

/** Time kept back from the Lambda's own timeout to record the outcome. */
const SAFETY_MS = 3_000;

/**
 * A Lambda worker's handling of one delivery: claim the task, run its handler,
 * record the outcome. Every state change is a conditional write, so a duplicate
 * delivery never runs a finished task again, and a message is only let go once
 * the task is terminal (or in the DLQ).
 */
export async function executeDelivery(deps: ExecutionDeps, delivery: Delivery): Promise<DeliveryOutcome> {
  const claim = await claimDelivery(deps, delivery, {
    worker: deps.workerId,
    timeoutMs: (task) => Math.max(1_000, Math.min(task.timeoutSeconds * 1000, deps.remainingMs() - SAFETY_MS)),
    checkCircuit: true,
  });
  if (!('claimed' in claim)) return claim;
  const { claimed: active, pool, timeoutMs } = claim;
  // Every later write names this attempt: a worker whose attempt was declared lost
  // (and re-run elsewhere) can no longer finish or fail the task.
  const guard = attemptGuard(active, (task) => new StaleLeaseError(task.id));
  try {
    const handler = deps.handlers[active.type];
    // A deployment fault, not a failing handler: fails at once, for good, and trips no circuit.
    if (handler === undefined) return await settleFailure(deps, active, noHandler(active.type), guard);
    const outcome = await runHandler(deps, active, handler, timeoutMs, guard);
    if (outcome.ok) return await complete(deps, outcome.latest, pool, outcome.result, guard);
    if (outcome.cancelled) return done('cancelled while running');
    if (outcome.error.retryable !== false) await recordOutcome(deps.circuits, scopeOf(active), pool.circuit, false, deps.now());
    return await settleFailure(deps, outcome.latest, outcome.error, guard);
  } catch (error) {
    if (error instanceof StaleLeaseError) return done('this attempt is no longer the current one');
    throw error;
  }
}

/** The error of a task whose type this worker has no handler for. */
export const noHandler = (type: string): TaskError => ({ message: `no handler for type ${type}`, type: 'UnknownTaskType', retryable: false });

async function complete(deps: ExecutionDeps, task: Task, pool: Pool, result: Json, guard: Guard): Promise<DeliveryOutcome> {
  const bytes = jsonByteLength(result);
  if (bytes > LIMITS.resultBytes) {
    return settleFailure(deps, task, {
      message: `result is ${bytes} bytes serialized; the limit is ${LIMITS.resultBytes}`,
      type: 'ResultTooLarge',
      retryable: false,
    }, guard);
  }
  await recordOutcome(deps.circuits, scopeOf(task), pool.circuit, true, deps.now());
  try {
    await deps.lifecycle.move(task.tenant, task.id, { type: 'complete', result }, { seen: task, guard });
    return done('completed');
  } catch (error) {
    if (error instanceof InvalidTransitionError) return done(`finished as ${error.from} meanwhile`);
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
  guard: Guard,
): Promise<HandlerOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
  let lastProgress = 0;
  let latest = task;
  const ctx: TaskContext = {
    signal: controller.signal,
    attempt: task.attempts,
    task: toTaskView(task),
    ...(task.job?.role === 'reduce' ? { childResults: () => childResults(deps.records, task, (child) => deps.lifecycle.valueOf(child, 'result')) } : {}),
    progress: async (fraction, message) => {
      const now = Date.now();
      if (fraction < 1 && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
      try {
        latest = await deps.lifecycle.move(
          task.tenant,
          task.id,
          { type: 'progress', progress: { fraction: clamped, ...(message ? { message } : {}) } },
          { seen: latest, guard },
        );
      } catch (error) {
        // No longer this attempt: cancelled (or timed out and settled). Tell the handler to stop.
        if (error instanceof InvalidTransitionError) controller.abort(new CancelledError(error.from));
        else if (error instanceof StaleLeaseError) controller.abort(new CancelledError('no longer this attempt'));
        else throw error;
      }
    },
  };
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  try {
    const payload = (await deps.lifecycle.valueOf(task, 'payload')) ?? null;
    const result = await Promise.race([Promise.resolve().then(() => handler(payload, ctx)), aborted]);
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


