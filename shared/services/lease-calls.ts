import { z } from 'zod';
import { jsonByteLength, LIMITS } from '../domain/limits.js';
import { InvalidTransitionError } from '../domain/state-machine.js';
import { toFieldErrors } from '../domain/task-input.js';
import type { AgentLease, Task } from '../domain/task.js';
import { StaleLeaseError, ValidationError } from '../errors.js';
import type { AgentDeps } from './agents.js';
import { settleMessage } from './agents.js';
import { leaseGrace, settleFailure, SQS_MAX_VISIBILITY } from './claim-delivery.js';
import { getTask } from './read-tasks.js';

/**
 * The calls an agent makes on a task it leased. Each proves itself with the
 * lease token; the check runs again inside the conditional write, so a stale or
 * foreign token gets 409 and changes nothing, even against a racing re-lease.
 */

const token = z.string({ error: 'is required (the leaseToken the lease returned)' }).min(1).max(256);

function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  return parsed.data;
}

/** The task, if `leaseToken` holds it; and the guard that re-checks that on every write. */
async function leased(deps: AgentDeps, tenant: string, id: string, leaseToken: string): Promise<{ task: Task & { lease: AgentLease }; guard: (t: Task) => void }> {
  const guard = (t: Task): void => {
    if (t.status !== 'ACTIVE' || t.lease?.token !== leaseToken) throw new StaleLeaseError(id);
  };
  const task = await getTask(deps, tenant, id);
  guard(task);
  return { task: task as Task & { lease: AgentLease }, guard };
}

/** Invalid transitions under a lease mean the lease no longer holds (cancelled, finished). */
async function underLease<T>(id: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof InvalidTransitionError) throw new StaleLeaseError(id);
    throw error;
  }
}

/** POST /tasks/{id}/heartbeat: the lease lasts another timeout (record and SQS visibility together). */
export async function heartbeatTask(deps: AgentDeps, tenant: string, id: string, raw: unknown): Promise<{ leaseExpiresAt: string }> {
  const { leaseToken } = parse(z.object({ leaseToken: token }), raw);
  const { task, guard } = await leased(deps, tenant, id, leaseToken);
  const now = deps.now();
  const leaseExpiresAt = new Date(now.getTime() + (task.timeoutSeconds + leaseGrace(deps)) * 1000).toISOString();
  await underLease(id, () => deps.store.apply(id, { type: 'extend', leaseExpiresAt }, now, { seen: task, guard }));
  await deps.agentQueue.setVisibility(task.lease.queueKey, task.lease.receipt, Math.min(SQS_MAX_VISIBILITY, task.timeoutSeconds + leaseGrace(deps)));
  if (task.worker !== undefined) {
    await deps.agents.touch(task.worker, now);
    await deps.agents.addLease(task.worker, { taskId: id, ...(task.resources ? { resources: task.resources } : {}), expiresAt: leaseExpiresAt });
  }
  return { leaseExpiresAt };
}

/** POST /tasks/{id}/progress */
export async function reportProgress(deps: AgentDeps, tenant: string, id: string, raw: unknown): Promise<Task> {
  const body = parse(z.object({ leaseToken: token, fraction: z.number().min(0).max(1), message: z.string().max(1024).optional() }), raw);
  const { task, guard } = await leased(deps, tenant, id, body.leaseToken);
  const progress = { fraction: body.fraction, ...(body.message !== undefined ? { message: body.message } : {}) };
  return underLease(id, () => deps.store.apply(id, { type: 'progress', progress }, deps.now(), { seen: task, guard }));
}

/** POST /tasks/{id}/complete {result}: COMPLETED, its message deleted, the agent's slot freed. */
export async function completeTask(deps: AgentDeps, tenant: string, id: string, raw: unknown): Promise<Task> {
  const body = parse(z.object({ leaseToken: token, result: z.json().default(null) }), raw);
  const bytes = jsonByteLength(body.result);
  if (bytes > LIMITS.payloadBytes) {
    throw new ValidationError([{ field: 'result', message: `is ${bytes} bytes serialized; the limit is ${LIMITS.payloadBytes}` }]);
  }
  const { task, guard } = await leased(deps, tenant, id, body.leaseToken);
  const done = await underLease(id, () =>
    deps.store.apply(id, { type: 'complete', result: body.result as Task['payload'] }, deps.now(), { seen: task, guard }),
  );
  await deps.agentQueue.delete(task.lease.queueKey, task.lease.receipt);
  if (task.worker !== undefined) await deps.agents.removeLease(task.worker, id);
  return done;
}

/**
 * POST /tasks/{id}/fail {error, retryable?, release?}: a failed attempt, under the
 * same retry, backoff and DLQ rules as Lambda workers; or, with `release`, the
 * task handed back unrun (an agent shutting down), its attempt not counted.
 */
export async function failTask(deps: AgentDeps, tenant: string, id: string, raw: unknown): Promise<Task> {
  const body = parse(
    z.object({ leaseToken: token, error: z.string().min(1).max(8192), retryable: z.boolean().default(true), release: z.boolean().default(false) }),
    raw,
  );
  const { task, guard } = await leased(deps, tenant, id, body.leaseToken);
  const { queueKey, receipt } = task.lease;
  if (body.release) {
    const released = await underLease(id, () => deps.store.apply(id, { type: 'release' }, deps.now(), { seen: task, guard }));
    await deps.agentQueue.setVisibility(queueKey, receipt, 0);
    if (task.worker !== undefined) await deps.agents.removeLease(task.worker, id);
    return released;
  }
  const outcome = await settleFailure(deps, task, { message: body.error, retryable: body.retryable }, guard);
  await settleMessage(deps, queueKey, receipt, outcome);
  if (task.worker !== undefined) await deps.agents.removeLease(task.worker, id);
  return getTask(deps, tenant, id);
}
