import { send, type HttpOptions } from './http.js';
import { seg } from './poll.js';
import type { CarriedCompletion, CarriedCompletionOutcome, Json, LeasedTask, LeaseRequest, RegisterAgent, RegisteredAgent, TaskView } from './types.js';

/**
 * `client.agents`: what an external agent does for itself (the `Worker` does
 * all of it for you): register, heartbeat, lease tasks.
 *
 * @example
 * ```ts
 * const agent = await client.agents.register({ capabilities: ['shell'], capacity: { slots: 2 } });
 * const tasks = await client.agents.lease(agent.id, { max: 2 });
 * ```
 */
export class AgentsApi {
  /** @internal */
  constructor(private readonly http: HttpOptions) {}

  /**
   * Registers an agent: its capabilities and what it can run at once.
   *
   * @example
   * ```ts
   * const { id, heartbeatIntervalSeconds } = await client.agents.register({ capabilities: ['gpu'] });
   * ```
   */
  async register(agent: RegisterAgent): Promise<RegisteredAgent> {
    return (await send<RegisteredAgent>(this.http, { method: 'POST', path: '/workers', body: agent, idempotent: false })).body;
  }

  /**
   * Says the agent is alive. Retried: a repeated heartbeat changes nothing.
   * `running`: the tasks this agent is running, so the server can take back a
   * lease whose answer never reached it.
   *
   * @example
   * ```ts
   * await client.agents.heartbeat(agentId, ['t1', 't2']);
   * ```
   */
  async heartbeat(agentId: string, running?: readonly string[]): Promise<void> {
    await send(this.http, { method: 'POST', path: `/workers/${seg(agentId)}/heartbeat`, body: running !== undefined ? { running } : {}, idempotent: true });
  }

  /**
   * Long-polls (up to `waitSeconds`, ≤ 20; default 20) for up to `max` tasks
   * (default 1) this agent can run now. `finished`: the tasks the agent stopped
   * running since its last answered lease call; an agent that sends it (even
   * empty) frees the slots of the tasks it leases this way, not by their ends.
   *
   * @example
   * ```ts
   * const tasks = await client.agents.lease(agentId, { max: 4, waitSeconds: 10 });
   * ```
   */
  async lease(agentId: string, request: LeaseRequest = {}): Promise<LeasedTask[]> {
    return (await this.leaseCall(agentId, request)).tasks;
  }

  /**
   * Completes leased tasks and leases more in one request: each completion is
   * made exactly as `client.leases.complete` makes it, and answered on its own
   * in `completed` (status 200, or the status and error the complete call would
   * have answered: 409 `stale_lease` when the lease no longer holds, 503 to send
   * it again). Their slots are free for this call's leases. Not retried: an
   * answer lost on the way may have committed some of them.
   *
   * @example
   * ```ts
   * const { tasks, completed } = await client.agents.completeAndLease(agentId, {
   *   max: 4,
   *   completed: [{ taskId: task.id, leaseToken: task.leaseToken, result: { ok: true } }],
   * });
   * ```
   */
  async completeAndLease(agentId: string, request: LeaseRequest & { readonly completed: readonly CarriedCompletion[] }): Promise<{ tasks: LeasedTask[]; completed: CarriedCompletionOutcome[] }> {
    const answer = await this.leaseCall(agentId, request);
    return { tasks: answer.tasks, completed: answer.completed ?? [] };
  }

  private async leaseCall(agentId: string, request: LeaseRequest & { readonly completed?: readonly CarriedCompletion[] }): Promise<{ tasks: LeasedTask[]; completed?: CarriedCompletionOutcome[] }> {
    const extraTimeoutMs = (request.waitSeconds ?? 20) * 1000;
    return (await send<{ tasks: LeasedTask[]; completed?: CarriedCompletionOutcome[] }>(this.http, { method: 'POST', path: `/workers/${seg(agentId)}/lease`, body: request, idempotent: false, extraTimeoutMs })).body;
  }
}


/**
 * `client.leases`: what an agent does with a leased task, by its lease token.
 * Once the lease is lost (lapsed, re-leased, finished) they throw a
 * `ConflictError` with code `stale_lease`.
 *
 * @example
 * ```ts
 * await client.leases.progress(task.id, task.leaseToken, 0.5);
 * await client.leases.complete(task.id, task.leaseToken, { ok: true });
 * ```
 */
export class LeasesApi {
  /** @internal */
  constructor(private readonly http: HttpOptions) {}

  /**
   * Extends a lease by the task's timeout.
   *
   * @example
   * ```ts
   * const { leaseExpiresAt } = await client.leases.heartbeat(task.id, task.leaseToken);
   * ```
   */
  async heartbeat(taskId: string, leaseToken: string): Promise<{ leaseExpiresAt: string }> {
    return (await send<{ leaseExpiresAt: string }>(this.http, { method: 'POST', path: `/tasks/${seg(taskId)}/heartbeat`, body: { leaseToken }, idempotent: true })).body;
  }

  /**
   * Reports progress (0…1, with an optional message), shown by `client.tasks.get`.
   *
   * @example
   * ```ts
   * await client.leases.progress(task.id, task.leaseToken, 0.25, 'downloaded');
   * ```
   */
  async progress(taskId: string, leaseToken: string, fraction: number, message?: string): Promise<void> {
    const body = { leaseToken, fraction, ...(message !== undefined ? { message } : {}) };
    await send(this.http, { method: 'POST', path: `/tasks/${seg(taskId)}/progress`, body, idempotent: true });
  }

  /**
   * Completes the task with its result.
   *
   * @example
   * ```ts
   * await client.leases.complete(task.id, task.leaseToken, { bytes: 1024 });
   * ```
   */
  async complete(taskId: string, leaseToken: string, result: Json): Promise<TaskView> {
    return (await send<TaskView>(this.http, { method: 'POST', path: `/tasks/${seg(taskId)}/complete`, body: { leaseToken, result }, idempotent: false })).body;
  }

  /**
   * A failed attempt (`retryable: false` fails the task for good; default true);
   * `release: true` hands it back unrun, without counting the attempt (default false).
   *
   * @example
   * ```ts
   * await client.leases.fail(task.id, task.leaseToken, 'disk full', { retryable: true });
   * ```
   */
  async fail(taskId: string, leaseToken: string, error: string, options: { readonly retryable?: boolean; readonly release?: boolean } = {}): Promise<TaskView> {
    return (await send<TaskView>(this.http, { method: 'POST', path: `/tasks/${seg(taskId)}/fail`, body: { leaseToken, error, ...options }, idempotent: false })).body;
  }
}
