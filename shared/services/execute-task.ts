import { InvalidTransitionError } from '../domain/state-machine.js';
import { jsonByteLength, LIMITS } from '../domain/limits.js';
import { toTaskView, type Json, type Task, type TaskError } from '../domain/task.js';
import { UnrecoverableError, type HandlerRegistry, type TaskContext } from '../handlers.js';
import type { Pool } from '../topology/topology.js';
import { claimDelivery, done, settleFailure, type DeliveryDeps, type DeliveryOutcome } from './claim-delivery.js';
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
export async function executeDelivery(deps: ExecutionDeps, taskId: string): Promise<DeliveryOutcome> {
  const claim = await claimDelivery(deps, taskId, {
    worker: deps.workerId,
    timeoutMs: (task) => Math.max(1_000, Math.min(task.timeoutSeconds * 1000, deps.remainingMs() - SAFETY_MS)),
    checkCircuit: true,
  });
  if (!('claimed' in claim)) return claim;
  const { claimed: active, pool, timeoutMs } = claim;

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
    await deps.store.apply(task.id, { type: 'complete', result }, deps.now(), { seen: task });
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
): Promise<HandlerOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
  let lastProgress = 0;
  let latest = task;
  const ctx: TaskContext = {
    signal: controller.signal,
    attempt: task.attempts,
    task: toTaskView(task),
    ...(task.job?.role === 'reduce' ? { childResults: () => childResults(deps.store, task) } : {}),
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
          { seen: latest },
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


