import { admit, CLOSED_CIRCUIT, DEFAULT_CIRCUIT, recordFailure, recordSuccess, type CircuitPolicy, type CircuitState } from './circuit-breaker.js';
import { TaskfleetClient, type ClientOptions } from './client.js';
import { ConflictError, ValidationError } from './errors.js';
import { isUnrecoverable, UnrecoverableError, type TaskContext, type TaskHandler } from './handlers.js';
import type { AnyTasks, CarriedCompletionOutcome, Json, LeasedTask, PayloadOf, RegisteredAgent, RegisterAgent, Resources, ResultOf, TaskMap, TaskType } from './types.js';

/**
 * A handler of one task type: its payload in, its result out (typed by the `TaskMap`).
 *
 * @example
 * ```ts
 * const resize: TypedTaskHandler<{ url: string }, { bytes: number }> = async ({ url }) => ({ bytes: url.length });
 * ```
 */
export type TypedTaskHandler<P, R> = (payload: P, ctx: TaskContext) => Promise<R | void> | R | void;

/**
 * Task `type` → handler; `'*'` handles every other type (JSON in, JSON out).
 *
 * @example
 * ```ts
 * const handlers: TaskHandlers<MyTasks> = { resize: async ({ url }) => ({ bytes: 0 }), '*': (payload) => payload };
 * ```
 */
export type TaskHandlers<T extends TaskMap> = { readonly [K in TaskType<T>]?: TypedTaskHandler<PayloadOf<T, K>, ResultOf<T, K>> } & {
  readonly '*'?: TaskHandler;
};

/**
 * What a `Worker` runs and how (modelled on Temporal's worker options: each
 * option says its default). Besides these: the `ClientOptions` (url, token …)
 * and the agent's registration (`capabilities`, `name`, `labels`, `weight`).
 *
 * @example
 * ```ts
 * const options: WorkerOptions = { url, token, capabilities: ['shell'], concurrency: 4, handlers: { echo: (p) => p } };
 * ```
 */
export interface WorkerOptions<T extends TaskMap = AnyTasks> extends ClientOptions, Omit<RegisterAgent, 'capacity'> {
  /** What runs each task type. */
  readonly handlers: TaskHandlers<T>;
  /** Tasks run at once (the agent's slots). @default 1 */
  readonly concurrency?: number;
  /** Resources the agent has; tasks stating `resources` only come when they fit. @default none */
  readonly resources?: Resources;
  /** Long-poll wait of one lease call. @default 10 */
  readonly leaseWaitSeconds?: number;
  /**
   * When a task ends while others still run, how long the worker gathers more ends
   * before it asks for work: one lease call (two writes of the agent's record) for
   * several tasks instead of one each, and their ends reported in it. 0 asks at once.
   * @default 25
   */
  readonly leaseGatherMs?: number;
  /**
   * Completions up to this size (serialized result, bytes) ride the worker's next
   * lease call when it is about to make one (`completeAndLease`): a busy worker
   * then makes one request for several tasks' ends and their successors, not one
   * more per task. Larger results, and ends while a lease call is waiting, are
   * sent on their own. 0 sends every completion on its own. @default 65536
   */
  readonly carryResultBytes?: number;
  /**
   * After this long with nothing leased and nothing running, the worker stops
   * holding long polls (on AWS the lease function is billed for every second it
   * waits) and asks without waiting every `idlePollSeconds` instead; the first
   * task it leases brings the long polls back. @default 60
   */
  readonly idleAfterSeconds?: number;
  /**
   * While idle, the time between two lease calls: how long a new task may wait
   * for an idle fleet (about this ÷ the idle agents, who ask at different times).
   * @default 20
   */
  readonly idlePollSeconds?: number;
  /** On stop, how long running tasks may finish before they are handed back. @default 30000 */
  readonly gracePeriodMs?: number;
  /** Stop on SIGTERM and SIGINT. @default true */
  readonly handleSignals?: boolean;
  /** Stop leasing after this many consecutive failures to reach the API, for the cool-down. @default `{ failureThreshold: 5, cooldownSeconds: 30 }` */
  readonly circuit?: CircuitPolicy;
  /** Where the worker reports what it does. @default nothing is reported */
  readonly log?: (event: WorkerEvent) => void;
}

/**
 * What a `Worker` reports to its `log` option.
 *
 * @example
 * ```ts
 * new Worker({ ...options, log: (event) => event.kind === 'failed' && console.error(event.task.id, event.error) });
 * ```
 */
export type WorkerEvent =
  | { readonly kind: 'registered'; readonly workerId: string; readonly pools?: readonly string[] }
  | { readonly kind: 'leased'; readonly task: LeasedTask }
  | { readonly kind: 'completed'; readonly task: LeasedTask }
  | { readonly kind: 'failed'; readonly task: LeasedTask; readonly error: string }
  | { readonly kind: 'released'; readonly task: LeasedTask }
  | { readonly kind: 'lease-lost'; readonly task: LeasedTask }
  | { readonly kind: 'circuit-open'; readonly retryAfterSeconds: number }
  | { readonly kind: 'error'; readonly error: string }
  /** `signal`: the SIGINT or SIGTERM that stopped it (none when `stop()` was called). */
  | { readonly kind: 'stopped'; readonly signal?: 'SIGINT' | 'SIGTERM' };

/** The most completions one lease call carries (the API's limit). */
const MAX_CARRIED = 100;

/** How the API heard of a task's end: in a lease call that carried it, on its own, or not at all. */
type Reported = 'carried' | 'alone' | false;

/** A carried completion's fate: made by the call, refused as stale, or to be sent on its own. */
type CarriedAnswer = 'done' | 'stale' | 'alone';

interface Carried {
  readonly task: LeasedTask;
  readonly result: Json;
  readonly answer: (answer: CarriedAnswer) => void;
}

/** Answers each carried completion from the lease call's `completed`; one it does not answer is sent on its own. */
function answerCarried(carried: readonly Carried[], outcomes: readonly CarriedCompletionOutcome[], waiting: Map<string, Carried>): void {
  const byTask = new Map(outcomes.map((o) => [o.taskId, o.status]));
  for (const entry of carried) {
    waiting.delete(entry.task.id);
    const status = byTask.get(entry.task.id);
    entry.answer(status === 200 ? 'done' : status === 409 ? 'stale' : 'alone');
  }
}

/** Why a running task's signal was aborted. */
class Stop extends Error {
  constructor(readonly reason: 'timeout' | 'lease-lost' | 'shutdown', message: string) {
    super(message);
    this.name = reason === 'timeout' ? 'TimeoutError' : 'AbortError';
  }
}

/**
 * An external agent: registers, leases tasks its capabilities and free
 * capacity allow, runs them with your handlers (progress, heartbeats and
 * timeouts handled), and reports the outcome. `stop()` (or SIGTERM) stops
 * leasing, lets running tasks finish within the grace period and hands the rest
 * back without counting their attempt.
 *
 * @example
 * ```ts
 * const worker = new Worker<MyTasks>({
 *   url, token, capabilities: ['images'], concurrency: 4,
 *   handlers: { resize: async ({ url }, ctx) => { await ctx.progress(0.5); return { bytes: 1 }; } },
 * });
 * await worker.run(); // until SIGTERM or worker.stop()
 * ```
 */
export class Worker<T extends TaskMap = AnyTasks> {
  /** The client the worker talks to the API with. */
  readonly client: TaskfleetClient<T>;
  private id: string | undefined;
  private running = false;
  private readonly inFlight = new Map<string, { task: LeasedTask; controller: AbortController; done: Promise<void> }>();
  private circuit: CircuitState = CLOSED_CIRCUIT;
  private readonly circuitPolicy: Required<CircuitPolicy>;
  private stopping: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** When the worker last leased or ran something: idle after `idleAfterSeconds` of neither. */
  private busyAt = Date.now();
  /** When a lease call last answered: the server counts it as a heartbeat (see the heartbeat timer). */
  private leaseAnsweredAt = 0;
  /** Tasks that stopped running since the last answered lease call: the next one reports them, freeing their slots. */
  private readonly finished = new Set<string>();
  /** Completions waiting for the next lease call to carry them, by task id: their tasks no longer run. */
  private readonly carried = new Map<string, Carried>();
  /** A lease call that may wait (a long poll) is on its way: an end now is sent on its own rather than wait for the call after it. */
  private longPolling = false;
  /** The last lease call brought tasks, now running: the next one gathers ends first. */
  private justStarted = false;
  /** False once the API refused a carried completion's field (an API older than this SDK): every end goes on its own. */
  private carrying = true;

  constructor(private readonly options: WorkerOptions<T>) {
    this.client = new TaskfleetClient<T>(options);
    this.circuitPolicy = { ...DEFAULT_CIRCUIT, ...options.circuit };
  }

  /**
   * The agent's id once registered.
   *
   * @example
   * ```ts
   * console.log(worker.workerId);
   * ```
   */
  get workerId(): string | undefined {
    return this.id;
  }

  /**
   * Registers and works until `stop()`; resolves once stopped.
   *
   * @example
   * ```ts
   * await new Worker(options).run();
   * ```
   */
  async run(): Promise<void> {
    const { capabilities, name, labels, weight } = this.options;
    const concurrency = this.options.concurrency ?? 1;
    const registered: RegisteredAgent = await this.client.agents.register({
      capabilities,
      ...(name !== undefined ? { name } : {}),
      ...(labels !== undefined ? { labels } : {}),
      ...(weight !== undefined ? { weight } : {}),
      capacity: { slots: concurrency, ...this.options.resources },
    });
    this.id = registered.id;
    this.emit({ kind: 'registered', workerId: registered.id, ...(registered.pools !== undefined ? { pools: registered.pools } : {}) });
    this.running = true;
    const onSigterm = (): void => void this.stop('SIGTERM');
    const onSigint = (): void => void this.stop('SIGINT');
    if (this.options.handleSignals !== false) {
      process.once('SIGTERM', onSigterm);
      process.once('SIGINT', onSigint);
    }
    this.busyAt = Date.now();
    const heartbeatMs = registered.heartbeatIntervalSeconds * 1000;
    const heartbeat = setInterval(() => {
      // A lease call records the agent as seen: with nothing running (so no lease it could be missing) and a
      // lease call answered within the interval, a heartbeat would say nothing new. An idle agent then costs
      // one request per idle poll, not two.
      if (this.inFlight.size === 0 && Date.now() - this.leaseAnsweredAt < heartbeatMs) return;
      this.client.agents.heartbeat(registered.id, [...this.inFlight.keys()]).catch((error: unknown) => this.reportError(error));
    }, heartbeatMs);
    heartbeat.unref();
    try {
      while (this.running) await this.leaseRound(registered.id, concurrency);
    } finally {
      // Stopped: no lease call will carry these.
      this.sendCarriedAlone();
      clearInterval(heartbeat);
      process.removeListener('SIGTERM', onSigterm);
      process.removeListener('SIGINT', onSigint);
    }
    await this.stopping;
  }

  /**
   * Stops leasing; running tasks get the grace period, then are handed back. A
   * lease call under way is let finish (aborting it could lose the answer and
   * leave its tasks leased to nobody): what it brings is handed back unrun.
   *
   * @param signal The signal that asked for the stop, when one did (reported in the `stopped` event).
   * @example
   * ```ts
   * setTimeout(() => void worker.stop(), 60_000);
   * ```
   */
  stop(signal?: 'SIGINT' | 'SIGTERM'): Promise<void> {
    this.stopping ??= (async () => {
      this.running = false;
      this.wake?.();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, this.options.gracePeriodMs ?? 30_000).unref());
      await Promise.race([Promise.all([...this.inFlight.values()].map((f) => f.done)), grace]);
      for (const flight of this.inFlight.values()) flight.controller.abort(new Stop('shutdown', 'the worker is shutting down'));
      await Promise.all([...this.inFlight.values()].map((f) => f.done));
      this.emit({ kind: 'stopped', ...(signal !== undefined ? { signal } : {}) });
    })();
    return this.stopping;
  }

  /** An error of polling or heartbeating; once stopping (the API may be going away too, e.g. Ctrl-C on both) it is not news. */
  private reportError(error: unknown): void {
    if (this.running) this.emit({ kind: 'error', error: String(error) });
  }

  /** Tasks still running: in flight and not only waiting for their completion to be carried. */
  private get runningCount(): number {
    return this.inFlight.size - this.carried.size;
  }

  private async leaseRound(workerId: string, concurrency: number): Promise<void> {
    if (concurrency - this.runningCount <= 0) return this.sleepUntilWoken(60_000);
    // Busy with others still running: gather the ends that come close together into one lease call (each call writes the agent's record twice).
    const gatherMs = this.options.leaseGatherMs ?? 25;
    // Also just after starting tasks: a quick one's end then rides the next call rather than going on its own beside a long poll.
    if (this.runningCount > 0 && (this.finished.size + this.carried.size > 0 || this.justStarted) && gatherMs > 0) await new Promise((resolve) => setTimeout(resolve, gatherMs));
    this.justStarted = false;
    const free = concurrency - this.runningCount;
    const gate = admit(this.circuit, Date.now(), this.circuitPolicy);
    if (!gate.allowed) {
      this.sendCarriedAlone();
      this.emit({ kind: 'circuit-open', retryAfterSeconds: gate.retryAfterSeconds });
      return this.sleepUntilWoken(gate.retryAfterSeconds * 1000);
    }
    this.circuit = gate.next;
    let tasks: LeasedTask[];
    const idle = this.runningCount === 0 && Date.now() - this.busyAt >= (this.options.idleAfterSeconds ?? 60) * 1000;
    // Taken now: an end from here on waits for the next call, unless this one is a long poll.
    const carried = [...this.carried.values()].slice(0, MAX_CARRIED);
    try {
      // A task running again (leased anew) is not reported: its new lease is the one held.
      const finished = [...this.finished].filter((id) => !this.inFlight.has(id)).slice(0, 1000);
      const request = {
        // The half-open probe takes a single task.
        max: this.circuit.status === 'HALF_OPEN' ? 1 : free,
        // Carrying completions, the call answers at once: their senders wait for its answer.
        waitSeconds: idle || carried.length > 0 ? 0 : (this.options.leaseWaitSeconds ?? 10),
        finished,
      };
      this.longPolling = request.waitSeconds > 0;
      if (carried.length === 0) tasks = await this.client.agents.lease(workerId, request);
      else {
        const completed = carried.map(({ task, result }) => ({ taskId: task.id, leaseToken: task.leaseToken, result }));
        const answer = await this.client.agents.completeAndLease(workerId, { ...request, completed });
        tasks = answer.tasks;
        answerCarried(carried, answer.completed, this.carried);
      }
      this.leaseAnsweredAt = Date.now();
      for (const id of finished) this.finished.delete(id);
    } catch (error) {
      // An API older than this SDK refuses the field: from now on every end goes on its own.
      if (error instanceof ValidationError && error.fields.some((f) => f.field.startsWith('completed'))) this.carrying = false;
      // The answer may be lost, with tasks and completions in it. Each carried completion is sent again on its own (one this
      // call did make is then refused as stale: its lease is over either way); the next heartbeat hands back the tasks.
      answerCarried(carried, [], this.carried);
      this.leaseAnsweredAt = 0;
      this.reportError(error);
      return this.running ? this.sleepUntilWoken(1000) : undefined;
    } finally {
      this.longPolling = false;
    }
    if (!this.running) {
      // Stopped during the long poll: hand these back untouched.
      await Promise.all(tasks.map((t) => this.client.leases.fail(t.id, t.leaseToken, 'the worker is shutting down', { release: true }).catch(() => undefined)));
      return;
    }
    for (const task of tasks) this.start(task);
    this.justStarted = tasks.length > 0;
    if (tasks.length > 0) this.busyAt = Date.now();
    else if (idle && this.running) await this.sleepUntilWoken((this.options.idlePollSeconds ?? 20) * 1000);
  }

  private start(task: LeasedTask): void {
    this.emit({ kind: 'leased', task });
    const controller = new AbortController();
    const done = this.execute(task, controller).then((reported) => {
      this.inFlight.delete(task.id);
      // Only an end the API heard of frees the slot in its records: one it did not is still ACTIVE there, until its lease
      // lapses. One a lease call carried was freed by that call.
      if (reported === 'alone') this.finished.add(task.id);
      this.busyAt = Date.now();
      this.wake?.();
    });
    this.inFlight.set(task.id, { task, controller, done });
  }

  /** Runs a leased task and reports its end: how the API heard of it, or false when it did not. */
  private async execute(task: LeasedTask, controller: AbortController): Promise<Reported> {
    const timeout = setTimeout(() => controller.abort(new Stop('timeout', `timed out after ${task.timeoutSeconds} s`)), task.timeoutSeconds * 1000);
    // Heartbeat at a third of the timeout: the lease survives two missed beats.
    const beat = setInterval(() => {
      this.client.leases.heartbeat(task.id, task.leaseToken).catch((error: unknown) => {
        if (error instanceof ConflictError) controller.abort(new Stop('lease-lost', 'the lease was lost'));
      });
    }, Math.max(1000, (task.timeoutSeconds * 1000) / 3));
    let lastProgress = 0;
    const ctx: TaskContext = {
      signal: controller.signal,
      attempt: task.attempt,
      task: { id: task.id, type: task.type, payload: task.payload, priority: task.priority, pool: task.pool, timeoutSeconds: task.timeoutSeconds },
      progress: async (fraction, message) => {
        if (fraction < 1 && Date.now() - lastProgress < 250) return;
        lastProgress = Date.now();
        await this.client.leases.progress(task.id, task.leaseToken, Math.min(1, Math.max(0, fraction)), message).catch((error: unknown) => {
          if (error instanceof ConflictError) controller.abort(new Stop('lease-lost', 'the lease was lost'));
        });
      },
    };
    const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
    aborted.catch(() => undefined);
    try {
      // The TaskMap's types are the caller's promise about payloads; on the wire it is JSON.
      const handlers = this.options.handlers as Readonly<Record<string, TaskHandler | undefined>>;
      const handler = handlers[task.type] ?? handlers['*'];
      if (handler === undefined) throw new UnrecoverableError(`this worker has no handler for task type "${task.type}"`);
      // A payload too large to lease inline is fetched on its own.
      const payload = (task.payloadRef !== undefined ? (await this.client.tasks.get(task.id, { include: 'payload' })).payload : task.payload) as Json;
      const result = await Promise.race([Promise.resolve().then(() => handler(payload, ctx)), aborted]);
      const reported = await this.complete(task, (result ?? null) as Json);
      this.circuit = recordSuccess(this.circuit);
      this.emit({ kind: 'completed', task });
      return reported;
    } catch (error) {
      return await this.settle(task, error);
    } finally {
      clearTimeout(timeout);
      clearInterval(beat);
    }
  }

  /**
   * Reports a completion: carried by the worker's next lease call, which follows
   * at once (after `leaseGatherMs` while others run), unless a lease call is
   * long-polling now: then on its own.
   */
  private async complete(task: LeasedTask, result: Json): Promise<Reported> {
    const limit = this.options.carryResultBytes ?? 65_536;
    if (this.carrying && this.running && !this.longPolling && this.circuit.status === 'CLOSED' && Buffer.byteLength(JSON.stringify(result)) <= limit) {
      const answer = await new Promise<CarriedAnswer>((resolve) => {
        this.carried.set(task.id, { task, result, answer: resolve });
        this.wake?.();
      });
      if (answer === 'done') return 'carried';
      if (answer === 'stale') throw new Stop('lease-lost', 'the lease was lost');
    }
    await this.client.leases.complete(task.id, task.leaseToken, result);
    return 'alone';
  }

  /** Completions no lease call will carry now: each goes on its own. */
  private sendCarriedAlone(): void {
    const waiting = [...this.carried.values()];
    this.carried.clear();
    for (const entry of waiting) entry.answer('alone');
  }

  private async settle(task: LeasedTask, error: unknown): Promise<Reported> {
    try {
      if (error instanceof Stop && error.reason === 'lease-lost') {
        this.emit({ kind: 'lease-lost', task });
      } else if (error instanceof Stop && error.reason === 'shutdown') {
        await this.client.leases.fail(task.id, task.leaseToken, error.message, { release: true });
        this.emit({ kind: 'released', task });
      } else if (error instanceof ConflictError) {
        this.emit({ kind: 'lease-lost', task });
      } else {
        const message = error instanceof Error ? error.message : String(error);
        // A task's own failure is the task's business (retries, DLQ): it never trips this
        // worker's breaker, or a pool where some tasks fail deterministically would stall.
        await this.client.leases.fail(task.id, task.leaseToken, message, { retryable: !isUnrecoverable(error) });
        this.emit({ kind: 'failed', task, error: message });
      }
      return 'alone';
    } catch (reportError) {
      // The API could not be reached: that is what the breaker is for. The lease
      // lapses and the task is retried elsewhere, so nothing is lost.
      this.circuit = recordFailure(this.circuit, Date.now(), this.circuitPolicy);
      this.emit({ kind: 'error', error: `could not report task ${task.id}: ${String(reportError)}` });
      return false;
    }
  }

  private sleepUntilWoken(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  private emit(event: WorkerEvent): void {
    this.options.log?.(event);
  }
}
