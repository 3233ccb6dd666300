import { DISPATCH_DEFAULTS, withDispatch, type DispatchSettings } from '../domain/dispatch.js';
import { nextStage } from '../domain/follow-ups.js';
import { routeToPool } from '../domain/routing.js';
import { InvalidTransitionError, transition, type TaskEvent } from '../domain/state-machine.js';
import { isTerminal } from '../domain/task-status.js';
import type { HeldToken } from '../domain/rate-limit.js';
import type { Due, Json, Task, ValueRef } from '../domain/task.js';
import { LIMITS } from '../domain/limits.js';
import { readyNoteOf, type ReadyNote } from '../domain/scheduling/wake.js';
import type { ValueStore } from '../ports/value-store.js';
import { DuplicateTaskIdError, NotFoundError, UnavailableError } from '../errors.js';
import type { DeadLetters } from '../ports/dead-letters.js';
import type { ReadySignal } from '../ports/ready-signal.js';
import type { TaskRecords } from '../ports/task-records.js';
import { MAX_QUEUE_DELAY_SECONDS, sendGroups, toQueueEntry, type TaskQueue } from '../ports/task-queue.js';
import { queueKey, type Pool } from '../topology/topology.js';
import { mapWithConcurrency } from '../concurrency.js';
import type { GateOptions, StartGate } from './start-gate.js';

export interface LifecycleDeps {
  readonly records: TaskRecords;
  /** The Lambda pools' SQS queues. */
  readonly queue: TaskQueue;
  readonly deadLetters: DeadLetters;
  readonly pools: readonly Pool[];
  readonly now: () => Date;
  readonly warn: (message: string, details: Record<string, unknown>) => void;
  readonly signal?: ReadySignal;
  readonly settings?: DispatchSettings;
  /** Where payloads and results above `LIMITS.inlineBytes` go; without it they stay inline. */
  readonly values?: ValueStore;
  /** Concurrency keys and rate limits, taken before a start commits; without it nothing limits starts. */
  readonly gate?: StartGate;
}

/** What follows a commit outside the task record; each must be safe to repeat (a sweep may). */
export interface LifecycleEffects {
  /** After a task's final transition (a job's fan-in). */
  readonly finished?: (task: Task) => Promise<void>;
  /** After an agent's attempt ended for any reason: its slot is free at once. */
  readonly leaseEnded?: (task: Task) => Promise<void>;
}

/** Throws (a typed error) to refuse a transition on the version it is shown. */
export type Guard = (task: Task) => void;

export type CreateResult = { readonly created: boolean; readonly task: Task };

/** Lost races on one record before giving up; each retry re-reads. */
const MAX_RACES = 16;
/** Writes of one batch in flight at once. */
const WRITE_CONCURRENCY = 16;
/** Send groups of one batch in flight at once: up to 3 × SEND_GROUP_SIZE writes besides the others. */
const SEND_GROUP_CONCURRENCY = 3;

/**
 * The one place task transitions happen: read → guard → transition → dispatch
 * bookkeeping → follow-ups in the same write → commit → after-commit effects.
 * Stores only commit (ok | lost-race | conflict); a lost race re-reads and decides
 * again, so the guard and the state machine see every version a write lands on.
 */
export class TaskLifecycle {
  private effects: LifecycleEffects = {};

  constructor(private readonly deps: LifecycleDeps) {}

  /** Wiring sets these after building the services they call back into (fan-in needs the lifecycle). */
  setEffects(effects: LifecycleEffects): void {
    this.effects = effects;
  }

  get now(): Date {
    return this.deps.now();
  }

  pool(name: string): Pool {
    const pool = this.deps.pools.find((p) => p.name === name);
    if (pool === undefined) throw new Error(`this deployment has no pool ${name}`);
    return pool;
  }

  /** One new task; see `createAll`. Throws DuplicateTaskIdError, UnavailableError. */
  async create(task: Task): Promise<CreateResult> {
    const [result] = await this.createAll([task]);
    if (result === undefined) throw new Error('createAll returned no result');
    if ('error' in result) throw result.error;
    return result;
  }

  /**
   * New tasks, each independently. An agent-pool task is ready once written.
   * A Lambda-pool task is sent to its queue FIRST and written second: a crash in
   * between leaves a message without a record, which the worker drops once it is
   * older than the write could take (claim-delivery.ts); a task whose send failed
   * is refused (503), never accepted unqueued. So no index of unsent tasks is
   * needed, and a task costs no index write to leave one. A batch goes out in send groups (one
   * SendMessageBatch each, issue #30), each written right after its own send, so
   * a task's record follows its message by one group's writes, not by the whole
   * batch's: a worker receiving the message finds the record within its
   * re-reads instead of handing the message back. Tasks delayed past SQS's 15
   * minutes are written with a `delay` timer and queued by the sweep.
   */
  async createAll(tasks: readonly Task[]): Promise<(CreateResult | { readonly error: Error })[]> {
    const now = this.deps.now();
    const offloaded = await mapWithConcurrency(tasks, WRITE_CONCURRENCY, (task) => this.offloadPayload(task));
    // The objects this call wrote (a next stage arrives holding its parent's result ref, which is not ours to remove).
    const written = new Set(offloaded.flatMap((task, i) => (task.payloadRef !== tasks[i]?.payloadRef ? [i] : [])));
    const prepared = offloaded.map((task) => withDispatch(undefined, task, { ...this.placing(task.pool), now, ...this.settings }));
    // A replayed idempotency key answers with its task, without sending a second message.
    const replays = new Map<number, Task>();
    await mapWithConcurrency(prepared, WRITE_CONCURRENCY, async (task, index) => {
      if (task.idempotencyKey === undefined) return;
      const replayed = await this.byIdempotencyKey(task.tenant, task.idempotencyKey);
      if (replayed !== undefined) replays.set(index, replayed);
    });
    const results = new Array<CreateResult | { readonly error: Error }>(prepared.length);
    const write = async (index: number, unsent?: string): Promise<void> => {
      const task = prepared[index] as Task;
      const outcome = await this.createOne(task, replays.get(index), unsent);
      // A payload object is written before the conditional create decides; one whose
      // task was not created (a duplicate id, a replayed key, a refusal) is removed.
      if (task.payloadRef !== undefined && written.has(index) && !('created' in outcome && outcome.created)) await this.discardUnreferenced(task.tenant, task.id, task.payloadRef);
      results[index] = outcome;
    };
    const sends = (i: number): boolean => {
      const task = prepared[i] as Task;
      return this.pool(task.pool).runsOn === 'lambda' && task.due === undefined && !replays.has(i);
    };
    const indexes = prepared.map((_, i) => i);
    const groups = sendGroups(indexes.filter(sends), (i) => queueKey((prepared[i] as Task).pool, (prepared[i] as Task).priority));
    await Promise.all([
      mapWithConcurrency(groups, SEND_GROUP_CONCURRENCY, async (group) => {
        const { failed } = await this.deps.queue.enqueue(group.map((i) => toQueueEntry(prepared[i] as Task, now)));
        const unsent = new Map(failed.map((f) => [f.taskId, f.reason]));
        await Promise.all(group.map((i) => write(i, unsent.get((prepared[i] as Task).id))));
      }),
      mapWithConcurrency(
        indexes.filter((i) => !sends(i)),
        WRITE_CONCURRENCY,
        (i) => write(i),
      ),
    ]);
    return results;
  }

  /** The task an idempotency key already names, if any. */
  async byIdempotencyKey(tenant: string, key: string): Promise<Task | undefined> {
    const id = await this.deps.records.idempotent(tenant, key);
    return id === undefined ? undefined : this.deps.records.get(tenant, id);
  }

  private async createOne(task: Task, replayed: Task | undefined, unsentReason: string | undefined): Promise<CreateResult | { readonly error: Error }> {
    if (replayed !== undefined) return { created: false, task: replayed };
    if (unsentReason !== undefined) {
      this.deps.warn('could not queue a task; refused it', { taskId: task.id, tenant: task.tenant, reason: unsentReason });
      return { error: new UnavailableError(`task ${task.id} could not be queued; nothing was accepted (retry)`) };
    }
    try {
      return await this.insert(task);
    } catch (error) {
      return { error: error as Error };
    }
  }

  private async insert(task: Task): Promise<CreateResult> {
    for (let race = 0; race < MAX_RACES; race++) {
      const outcome = await this.deps.records.commit({ after: task });
      if (outcome.status === 'ok') {
        this.signalIfReady(task);
        return { created: true, task };
      }
      if (outcome.status === 'conflict' && outcome.reason === 'id-taken') throw new DuplicateTaskIdError(task.id);
      if (outcome.status === 'conflict') {
        const replayed = await this.deps.records.get(task.tenant, outcome.taskId);
        if (replayed !== undefined) return { created: false, task: replayed };
      }
      await sleep(5 * 2 ** Math.min(race, 6));
    }
    throw new UnavailableError(`task ${task.id} could not be written (contention); retry`);
  }

  /**
   * A job's children in bulk, written before they are queued (the job records
   * whether all were sent, and the sweep re-sends the PENDING ones).
   */
  async createChildren(tasks: readonly Task[]): Promise<readonly Task[]> {
    const now = this.deps.now();
    const offloaded = await mapWithConcurrency(tasks, WRITE_CONCURRENCY, (task) => this.offloadPayload(task));
    const prepared = offloaded.map((task) => withDispatch(undefined, task, { ...this.placing(task.pool), now, ...this.settings }));
    await this.deps.records.insertMany(prepared);
    this.signalIfReady(...prepared);
    return prepared;
  }

  /** Sends PENDING Lambda-pool tasks to their queues (again); agent-pool ones need nothing. */
  async enqueue(tasks: readonly Task[]): Promise<{ failed: number }> {
    const now = this.deps.now();
    const { failed } = await this.deps.queue.enqueue(tasks.filter((t) => this.pool(t.pool).runsOn === 'lambda').map((t) => toQueueEntry(t, now)));
    return { failed: failed.length };
  }

  /**
   * Sends a PENDING Lambda-pool task's message again, visible after `delaySeconds`
   * (at most SQS's 900): a task waiting for its turn (concurrency key, rate limit)
   * gets a fresh message, so waiting never adds to SQS's receive count and its
   * maxReceiveCount backstop. `token`: a rate token reserved for its start, which
   * rides on the message (no write to keep it). false when the send failed, and
   * for an agent-pool task (its pool has no work queue: agents lease it).
   */
  async requeue(task: Task, delaySeconds: number, token?: HeldToken): Promise<boolean> {
    if (this.pool(task.pool).runsOn !== 'lambda') {
      this.deps.warn('refused to requeue an agent-pool task: its pool has no work queue', { taskId: task.id, tenant: task.tenant, pool: task.pool });
      return false;
    }
    const entry = {
      ...toQueueEntry(task, this.deps.now()),
      delaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
      ...(token !== undefined ? { token } : {}),
    };
    const { failed } = await this.deps.queue.enqueue([entry]);
    return failed.length === 0;
  }

  /** The start gate (concurrency keys, rate limits), for the lease path's view of what it would refuse. */
  get gate(): StartGate | undefined {
    return this.deps.gate;
  }

  /**
   * Applies `event` to the task. `seen` (the record as the caller last read it)
   * saves a read; `guard` runs on every version the event is applied to and may
   * throw to refuse it; `gate` tells the start gate what a start may reserve or
   * holds. Throws NotFoundError, InvalidTransitionError, WaitForTurn, or what the
   * guard throws.
   */
  async move(tenant: string, id: string, given: TaskEvent, options: MoveOptions = {}): Promise<Task> {
    // A large result goes to the values bucket first, as a new object; the record keeps a reference.
    const event = given.type === 'complete' ? await this.offloadResult(tenant, id, given) : given;
    const written = event !== given && event.type === 'complete' ? event.resultRef : undefined;
    if (written === undefined) return this.apply(tenant, id, event, options);
    try {
      return await this.apply(tenant, id, event, options);
    } catch (error) {
      // A refused completion (already finished, a stale lease) leaves no object behind.
      await this.discardUnreferenced(tenant, id, written);
      throw error;
    }
  }

  private async apply(tenant: string, id: string, event: TaskEvent, options: MoveOptions): Promise<Task> {
    let before = options.seen;
    let gate = options.gate;
    for (let race = 0; race < MAX_RACES; race++) {
      before ??= await this.deps.records.get(tenant, id);
      if (before === undefined) throw new NotFoundError('task', id);
      options.guard?.(before);
      let now = this.deps.now();
      let after = withDispatch(before, transition(before, event, now), { ...this.placing(before.pool), now, ...this.settings });
      // A dead letter goes before FAILED is recorded: a crash in between makes the
      // task fail again later (a second letter at worst), never a FAILED task missing from its DLQ.
      if (after.status === 'FAILED' && after.error !== undefined) await this.deps.deadLetters.send(after, after.error, now);
      // A start takes its concurrency slot and rate token first (or throws WaitForTurn), and gives them back if it does not commit.
      const undo = event.type === 'start' ? await this.deps.gate?.acquire(before, after.attempts, now, gate) : undefined;
      if (event.type === 'start' && this.deps.gate !== undefined) {
        // The attempt starts once through the gate: a slot freed while this start waited on the gate
        // belonged to a task that finished before it, so `startedAt` is stamped after the admission.
        now = this.deps.now();
        after = withDispatch(before, transition(before, event, now), { ...this.placing(before.pool), now, ...this.settings });
      }
      const outcome = await this.deps.records.commit({ before, after });
      if (outcome.status === 'ok') {
        await this.afterCommit(before, after, event, options);
        return after;
      }
      await undo?.();
      if (options.once === true) throw new RaceLostError(id);
      // A held token is offered to one commit only: lost with a lost race, it under-runs the limit, never over-runs it.
      if (gate?.held !== undefined) gate = { ...gate, held: undefined };
      before = undefined;
    }
    throw new UnavailableError(`task ${id} is changing too fast; retry`);
  }

  /**
   * Moves or clears a task's timer (not a transition: the status stays). Returns
   * false when the record changed meanwhile; the sweep will look again.
   */
  async retime(task: Task, due: Due | undefined): Promise<boolean> {
    const { due: _old, ...rest } = task;
    const after: Task = { ...rest, ...(due !== undefined ? { due } : {}), revision: task.revision + 1 };
    return (await this.deps.records.commit({ before: task, after })).status === 'ok';
  }

  /**
   * What a commit sets off outside the record. Each failure is reported, not
   * thrown: the transition stands, and the sweep (follow timers, job reconciler,
   * lapsed agent leases) repeats what did not happen.
   */
  private async afterCommit(before: Task, after: Task, event: TaskEvent, options: MoveOptions): Promise<void> {
    const run = async (what: string, effect: () => Promise<unknown>): Promise<void> => {
      try {
        await effect();
      } catch (error) {
        this.deps.warn(`after-commit ${what} failed; the sweep will repeat it`, { taskId: after.id, tenant: after.tenant, error: String(error) });
      }
    };
    if (after.status === 'PENDING' && before.status !== 'PENDING') {
      // A Lambda-pool task handed back unrun needs a new message. A failed attempt's
      // message is kept by its worker (visible after the backoff); a redrive sends its
      // own, so it can keep the dead letter until the send is done.
      if (this.pool(after.pool).runsOn === 'lambda' && event.type === 'release' && after.due === undefined) {
        await run('enqueue', async () => {
          const { failed } = await this.deps.queue.enqueue([toQueueEntry(after, this.deps.now())]);
          if (failed.length > 0) throw new Error(failed[0]?.reason);
        });
      }
      this.signalIfReady(after);
    }
    if (before.status === 'ACTIVE' && after.status !== 'ACTIVE' && this.deps.gate !== undefined) {
      // A left-over holder is also removed by the next task of its key that finds the key full.
      await run('concurrency slot release', () => (this.deps.gate as StartGate).release(before));
    }
    if (before.lease !== undefined && after.status !== 'ACTIVE' && this.effects.leaseEnded !== undefined && options.leaseEndHandled !== true) {
      await run('lease release', () => (this.effects.leaseEnded as (t: Task) => Promise<void>)(before));
    }
    if (isTerminal(after.status) && !isTerminal(before.status)) {
      if (after.due?.kind === 'follow') await run('next stage', () => this.followThrough(after));
      if (this.effects.finished !== undefined) await run('fan-in', () => (this.effects.finished as (t: Task) => Promise<void>)(after));
    }
  }

  /**
   * A completed task's next stage: created (its id is derived, so a repeat finds
   * it), queued, then the task's `follow` timer cleared. The sweep calls this
   * again for a timer left behind.
   */
  async followThrough(done: Task): Promise<void> {
    const route = (requires: readonly string[]): string | undefined => {
      const routed = routeToPool(this.deps.pools, requires);
      return routed.ok ? routed.pool.name : undefined;
    };
    const stage = nextStage(done, route, this.deps.now());
    if (stage !== undefined) {
      try {
        await this.create(stage);
      } catch (error) {
        if (!(error instanceof DuplicateTaskIdError)) throw error;
        const existing = await this.deps.records.get(stage.tenant, stage.id);
        if (existing?.status === 'PENDING') await this.enqueue([existing]);
      }
    } else {
      this.deps.warn('next stage has no pool; not created', { taskId: done.id, tenant: done.tenant, then: done.then });
    }
    const latest = await this.deps.records.get(done.tenant, done.id);
    if (latest?.due?.kind === 'follow') await this.retime(latest, undefined);
  }

  /** A payload or result as JSON, from the record or the values bucket. */
  async valueOf(task: Task, name: 'payload' | 'result'): Promise<Json | undefined> {
    const ref = name === 'payload' ? task.payloadRef : task.resultRef;
    if (ref === undefined) return name === 'payload' ? task.payload : task.result;
    if (this.deps.values === undefined) throw new Error(`task ${task.id} keeps its ${name} in the values bucket, which this function has no access to`);
    return JSON.parse(await this.deps.values.get(ref)) as Json;
  }

  private async offloadPayload(task: Task): Promise<Task> {
    if (this.deps.values === undefined || task.payloadRef !== undefined) return task;
    const json = JSON.stringify(task.payload);
    if (Buffer.byteLength(json, 'utf8') <= LIMITS.inlineBytes) return task;
    const payloadRef = await this.deps.values.put(task.tenant, task.id, 'payload', json);
    return { ...task, payload: null, payloadRef };
  }

  /**
   * Deletes a value object this call wrote unless the task's record points to it.
   * The record is read first, not assumed: a write that failed ambiguously (a
   * timeout after DynamoDB applied it) may have committed the reference, and an
   * orphan is better than a record whose value is gone. Failures are reported,
   * not thrown: the caller's own answer stands.
   */
  private async discardUnreferenced(tenant: string, id: string, ref: ValueRef): Promise<void> {
    if (this.deps.values === undefined) return;
    try {
      const record = await this.deps.records.get(tenant, id);
      if (record?.payloadRef?.key === ref.key || record?.resultRef?.key === ref.key) return;
      await this.deps.values.delete(ref);
    } catch (error) {
      this.deps.warn('could not remove the value object of a refused write', { taskId: id, tenant, key: ref.key, error: String(error) });
    }
  }

  private async offloadResult(tenant: string, id: string, event: Extract<TaskEvent, { type: 'complete' }>): Promise<TaskEvent> {
    if (this.deps.values === undefined || event.resultRef !== undefined) return event;
    const json = JSON.stringify(event.result) ?? 'null';
    if (Buffer.byteLength(json, 'utf8') <= LIMITS.inlineBytes) return event;
    return { type: 'complete', result: null, resultRef: await this.deps.values.put(tenant, id, 'result', json) };
  }

  /** Tells waiting lease calls of this process of the tasks that entered a ready set, one notify per tenant × pool. */
  private signalIfReady(...tasks: readonly Task[]): void {
    const byPool = new Map<string, { tenant: string; pool: string; notes: ReadyNote[] }>();
    for (const task of tasks) {
      if (task.ready === undefined) continue;
      const key = `${task.tenant}#${task.pool}`;
      const group = byPool.get(key) ?? { tenant: task.tenant, pool: task.pool, notes: [] };
      group.notes.push(readyNoteOf(task));
      byPool.set(key, group);
    }
    for (const { tenant, pool, notes } of byPool.values()) this.deps.signal?.notify(tenant, pool, notes);
  }

  /** What placing a task of `pool` needs: where it runs, and its scheduling settings (aging, deadline horizon). */
  private placing(pool: string): { runsOn: Pool['runsOn']; scheduling?: Pool['scheduling'] } {
    const { runsOn, scheduling } = this.pool(pool);
    return { runsOn, ...(scheduling !== undefined ? { scheduling } : {}) };
  }

  private get settings(): { settings?: DispatchSettings } {
    return this.deps.settings !== undefined ? { settings: this.deps.settings } : { settings: DISPATCH_DEFAULTS };
  }
}

/** Is this error a refusal by the state machine (the task moved on meanwhile)? */
export const isInvalidTransition = (error: unknown): error is InvalidTransitionError => error instanceof InvalidTransitionError;

/** How `move` applies an event: see there. */
export interface MoveOptions {
  readonly seen?: Task;
  readonly guard?: Guard;
  readonly gate?: GateOptions;
  /**
   * One try, on `seen`: a record that changed meanwhile throws RaceLostError
   * rather than being read again. For a caller with other choices (a lease call
   * that lost a claim takes another task), a read the answer would not use.
   */
  readonly once?: boolean;
  /**
   * The caller frees the agent's room itself: a lease call carrying the
   * completion drops the lease in its own write, so the `leaseEnded` effect
   * (a read of the agent's record, and a write when a call of it waits) is
   * not run. Should the call fail before it writes, the sweep's check of the
   * lease drops it (lost-agent-leases): room held a while, never overcommitted.
   */
  readonly leaseEndHandled?: boolean;
}

/** The record moved on since the version a `once` move was decided on. */
export class RaceLostError extends Error {
  constructor(readonly taskId: string) {
    super(`task ${taskId} changed since it was read`);
    this.name = 'RaceLostError';
  }
}

export const isRaceLost = (error: unknown): error is RaceLostError => error instanceof RaceLostError;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
