import { z } from 'zod';
import { jsonByteLength, LIMITS } from '../domain/limits.js';
import { toFieldErrors } from '../domain/task-input.js';
import { boundedJson, leaseToken } from '../domain/validation.js';
import type { Task } from '../domain/task.js';
import { mapWithConcurrency } from '../concurrency.js';
import { StaleLeaseError, TaskfleetError, UnavailableError, ValidationError } from '../errors.js';
import { logger } from '../logger.js';
import type { AgentDeps } from './agents.js';
import { leaseGrace, secondsUntil, settleFailure } from './claim-delivery.js';
import { getTask } from './read-tasks.js';
import { isInvalidTransition, type Guard, type MoveOptions } from './task-lifecycle.js';

/**
 * The calls an agent makes on a task it leased. Each proves itself with the
 * lease token, which names one attempt; the lifecycle re-checks it on every
 * version a write lands on, so a stale or foreign token gets 409 and changes
 * nothing, even against a racing re-lease or a lapsed-lease settle.
 */

const token = leaseToken;

/** The bodies of the lease-token calls (exported for the API document). */
export const heartbeatTaskBody = z.object({ leaseToken: token });
export const progressBody = z.object({ leaseToken: token, fraction: z.number().min(0).max(1), message: z.string().max(1024).optional() });
export const completeBody = z.object({ leaseToken: token, result: boundedJson.default(null) });
export const failBody = z.object({ leaseToken: token, error: z.string().min(1).max(8192), retryable: z.boolean().default(true), release: z.boolean().default(false) });

function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  return parsed.data;
}

/** Holds while `leaseToken` is the task's current lease. */
const holds = (id: string, leaseToken: string): Guard => (t) => {
  if (t.status !== 'ACTIVE' || t.lease?.token !== leaseToken) throw new StaleLeaseError(id);
};

/**
 * The task, if `guard` holds on it. Read first at half the price of a strongly
 * consistent read: a version older than the latest either fails the guard
 * wrongly (so a refusal is read again, consistently, before it stands) or passes
 * it and is then written on as `seen`, where the write, conditional on that
 * version, loses the race and the lifecycle reads again, consistently.
 */
async function guarded(deps: AgentDeps, tenant: string, id: string, guard: Guard): Promise<Task> {
  const early = await deps.records.get(tenant, id, { latest: false });
  if (early !== undefined && passes(guard, early)) return early;
  const task = await getTask({ records: deps.records }, tenant, id);
  guard(task);
  return task;
}

function passes(guard: Guard, task: Task): boolean {
  try {
    guard(task);
    return true;
  } catch {
    return false;
  }
}

/** The task, if `leaseToken` holds it. */
async function leased(deps: AgentDeps, tenant: string, id: string, leaseToken: string): Promise<{ task: Task; guard: Guard }> {
  const guard = holds(id, leaseToken);
  return { task: await guarded(deps, tenant, id, guard), guard };
}

/** Invalid transitions under a lease mean the lease no longer holds (cancelled, finished). */
async function underLease<T>(id: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isInvalidTransition(error)) throw new StaleLeaseError(id);
    throw error;
  }
}

/**
 * POST /tasks/{id}/heartbeat: the lease lasts another timeout. A lease that has
 * already lapsed cannot be extended (the sweep may be settling it as lost), so a
 * heartbeat and a lapsed-lease settle never both succeed.
 */
export async function heartbeatTask(deps: AgentDeps, tenant: string, id: string, raw: unknown): Promise<{ leaseExpiresAt: string }> {
  const { leaseToken } = parse(heartbeatTaskBody, raw);
  const live: Guard = (t) => {
    holds(id, leaseToken)(t);
    if (secondsUntil(t.leaseExpiresAt, deps.now()) <= 0) throw new StaleLeaseError(id);
  };
  const task = await guarded(deps, tenant, id, live);
  const now = deps.now();
  const leaseExpiresAt = new Date(now.getTime() + (task.timeoutSeconds + leaseGrace(deps)) * 1000).toISOString();
  // The task's record is the only write: its new `updatedAt` is a sign of the agent's life to the sweep, and the agent's own lease entry still holds the room.
  await underLease(id, () => deps.lifecycle.move(tenant, id, { type: 'extend', leaseExpiresAt }, { seen: task, guard: live }));
  return { leaseExpiresAt };
}

/** POST /tasks/{id}/progress */
export async function reportProgress(deps: AgentDeps, tenant: string, id: string, raw: unknown): Promise<Task> {
  const body = parse(progressBody, raw);
  const { task, guard } = await leased(deps, tenant, id, body.leaseToken);
  const progress = { fraction: body.fraction, ...(body.message !== undefined ? { message: body.message } : {}) };
  return underLease(id, () => deps.lifecycle.move(tenant, id, { type: 'progress', progress }, { seen: task, guard }));
}

/**
 * POST /tasks/{id}/complete {result}: COMPLETED, the agent's slot freed. A result
 * over the limit fails the task once, for good, with a clear error (rerunning
 * would only produce it again).
 */
export async function completeTask(deps: AgentDeps, tenant: string, id: string, raw: unknown, options: Pick<MoveOptions, 'leaseEndHandled'> = {}): Promise<Task> {
  const body = parse(completeBody, raw);
  const { task, guard } = await leased(deps, tenant, id, body.leaseToken);
  const bytes = jsonByteLength(body.result);
  if (bytes > LIMITS.resultBytes) {
    const message = `result is ${bytes} bytes serialized; the limit is ${LIMITS.resultBytes}`;
    await underLease(id, () => settleFailure(deps, task, { message, type: 'ResultTooLarge', retryable: false }, guard));
    throw new ValidationError([{ field: 'result', message: `is ${bytes} bytes serialized; the limit is ${LIMITS.resultBytes} (the task is FAILED)` }]);
  }
  return underLease(id, () => deps.lifecycle.move(tenant, id, { type: 'complete', result: body.result as Task['payload'] }, { seen: task, guard, ...options }));
}

/**
 * POST /tasks/{id}/fail {error, retryable?, release?}: a failed attempt, under the
 * same retry, backoff and DLQ rules as Lambda workers; or, with `release`, the
 * task handed back unrun (an agent shutting down), its attempt not counted.
 */
export async function failTask(deps: AgentDeps, tenant: string, id: string, raw: unknown): Promise<Task> {
  const body = parse(failBody, raw);
  const { task, guard } = await leased(deps, tenant, id, body.leaseToken);
  if (body.release) return underLease(id, () => deps.lifecycle.move(tenant, id, { type: 'release' }, { seen: task, guard }));
  await underLease(id, () => settleFailure(deps, task, { message: body.error, retryable: body.retryable }, guard));
  return getTask({ records: deps.records }, tenant, id);
}

/** A completion carried by a lease call (`completed` of POST /workers/{id}/lease): the body of POST /tasks/{id}/complete and the task's id. */
export const carriedCompletion = completeBody.extend({ taskId: z.string().min(1).max(512) });

/** What became of one carried completion: 200, or the error POST /tasks/{id}/complete would have answered. */
export type CarriedOutcome =
  | { readonly taskId: string; readonly status: 200 }
  | { readonly taskId: string; readonly status: number; readonly error: ReturnType<TaskfleetError['toJSON']>['error'] };

/** Completions at once per lease call: each is a read and a write of its own record. */
const CARRIED_AT_ONCE = 8;

/**
 * The completions a lease call carries, each exactly as POST /tasks/{id}/complete
 * would make it, so an agent under load reports its ends in the call that asks
 * for more work rather than in a request per task. One failing does not fail the
 * others or the lease: each gets its own answer, and one the API could not settle
 * (503) can be sent again on its own.
 */
export async function completeCarried(deps: AgentDeps, tenant: string, items: readonly z.infer<typeof carriedCompletion>[]): Promise<CarriedOutcome[]> {
  return mapWithConcurrency(items, CARRIED_AT_ONCE, async ({ taskId, leaseToken, result }): Promise<CarriedOutcome> => {
    try {
      // The lease call carrying it drops the lease in its own write (agents.ts, `over`): no separate release.
      await completeTask(deps, tenant, taskId, { leaseToken, result }, { leaseEndHandled: true });
      return { taskId, status: 200 };
    } catch (error) {
      if (error instanceof TaskfleetError) return { taskId, status: error.status, error: error.toJSON().error };
      logger.error('carried completion failed', { taskId, tenant, error });
      const unavailable = new UnavailableError(`task ${taskId} could not be completed now; send its completion again`);
      return { taskId, status: unavailable.status, error: unavailable.toJSON().error };
    }
  });
}
