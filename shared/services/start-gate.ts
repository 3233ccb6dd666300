import { isLeftOver, slotWaitSeconds, type SlotHolder } from '../domain/concurrency-slots.js';
import { heldTokenUse, MAX_RESERVE_MS, tokensUsed, type HeldToken, type RateLimit } from '../domain/rate-limit.js';
import type { Task } from '../domain/task.js';
import type { ConcurrencySlots } from '../ports/concurrency-slots.js';
import type { RateLimitStore } from '../ports/rate-limits.js';
import type { TaskRecords } from '../ports/task-records.js';

/**
 * A start refused for now: the task's concurrency key is full or its type is out
 * of tokens. Not a failure: the task stays PENDING, no attempt is counted, and the
 * caller brings it back at `retryAt` (a Lambda worker) or leaves it in the ready
 * set (an agent's lease). Like BullMQ's DelayedError, an error only as control flow.
 */
export class WaitForTurn extends Error {
  constructor(
    readonly reason: string,
    /** Epoch ms: when asking again makes sense. */
    readonly retryAt: number,
    readonly options: {
      /** A rate token the task holds after this refusal (reserved now, or kept): it comes back with it. */
      readonly token?: HeldToken;
      /** `retryAt` is when its token is good: come back then, without jitter. */
      readonly exact?: boolean;
    } = {},
  ) {
    super(reason);
    this.name = 'WaitForTurn';
  }
}

/** How a start deals with rate tokens beyond taking one now. */
export interface GateOptions {
  /**
   * The caller can wait on a delayed message (a Lambda worker): an empty bucket
   * whose next token is due within the horizon reserves it, and WaitForTurn
   * carries it. The lease path does not: it skips types out of tokens instead.
   */
  readonly reserve?: boolean;
  /** A token reserved for this start earlier, from its message. */
  readonly held?: HeldToken;
}

export interface StartGateDeps {
  readonly slots: ConcurrencySlots;
  readonly rates: RateLimitStore;
  readonly records: Pick<TaskRecords, 'getMany'>;
  /** 0 ≤ r < 1, for the jitter of waits. */
  readonly random: () => number;
  /** How long a process reuses a tenant's list of limits (a changed limit applies within it). @default 5000 */
  readonly cacheMs?: number;
  /** How far ahead a token may be reserved, and how far from now a held one is honoured (at most SQS's 900 s). @default MAX_RESERVE_MS */
  readonly reserveHorizonMs?: number;
}

/** What the lease path needs to keep a scheduling policy away from starts the gate would refuse. */
export interface GateView {
  /** Task types out of tokens now. */
  readonly blockedTypes: ReadonlySet<string>;
  readonly runningByConcurrencyKey: Readonly<Record<string, number>>;
  readonly concurrencyLimits: Readonly<Record<string, number>>;
}

/**
 * The two limits a start must pass, checked by the lifecycle just before it
 * commits a start (so every way a task starts honours them): a slot of the task's
 * concurrency key, then a token of its type's rate limit. Each is one conditional
 * write on one item (adapters/dynamodb/dynamodb-concurrency-slots.ts, -rate-limits.ts).
 */
export class StartGate {
  private readonly cached = new Map<string, { at: number; limits: Promise<ReadonlyMap<string, RateLimit>> }>();

  constructor(private readonly deps: StartGateDeps) {}

  /**
   * Takes what a start of `task` (PENDING, about to become attempt `attempt`)
   * needs, or throws WaitForTurn. Answers how to give it back if the start does
   * not commit (the slot; a token is never given back: a lost one only under-runs
   * the limit). A start holding a token good now (`options.held`) uses it instead
   * of taking one; held but early, it waits for it; refused a slot, it keeps it.
   */
  async acquire(task: Task, attempt: number, now: Date, options: GateOptions = {}): Promise<() => Promise<void>> {
    const rate = (await this.limitsOf(task.tenant, now)).get(task.type);
    const use = options.held === undefined ? 'void' : heldTokenUse(options.held, rate, attempt, now.getTime(), this.horizonMs);
    // Came early (a clock apart, or a message sent back for another reason): back when the token is good.
    if (use === 'wait' && options.held !== undefined) {
      throw new WaitForTurn(`rate limit of ${task.type}: its token is good from ${new Date(options.held.at).toISOString()}`, options.held.at, { token: options.held, exact: true });
    }
    const held = use === 'use' ? options.held : undefined;
    const concurrency = task.placement?.concurrency;
    if (concurrency !== undefined) await this.takeSlot(task, concurrency, attempt, now, held);
    const undo = async (): Promise<void> => {
      if (concurrency !== undefined) await this.deps.slots.release(task.tenant, concurrency.key, task.id, attempt);
    };
    if (rate === undefined || held !== undefined) return undo;
    const token = await this.deps.rates.take(task.tenant, task.type, rate, now.getTime(), options.reserve === true ? this.horizonMs : 0);
    if (token.ok) return undo;
    await undo();
    if (token.reserved) {
      const reserved: HeldToken = { at: token.at, attempt, limit: rate.limit, perMs: rate.perMs };
      throw new WaitForTurn(`rate limit of ${task.type}: a token is reserved from ${new Date(token.at).toISOString()}`, token.at, { token: reserved, exact: true });
    }
    throw new WaitForTurn(`rate limit of ${task.type}`, token.retryAt);
  }

  /** The reservation horizon asked for; the bucket rules (takeToken, heldTokenUse, the DynamoDB take) cap it at MAX_RESERVE_MS. */
  private get horizonMs(): number {
    return this.deps.reserveHorizonMs ?? MAX_RESERVE_MS;
  }

  /** The attempt of `active` ended (any way): its slot is free. Safe to repeat. */
  async release(active: Task): Promise<void> {
    const concurrency = active.placement?.concurrency;
    if (concurrency !== undefined) await this.deps.slots.release(active.tenant, concurrency.key, active.id, active.attempts);
  }

  /** A tenant's limits by task type, reused for `cacheMs`. */
  limitsOf(tenant: string, now: Date): Promise<ReadonlyMap<string, RateLimit>> {
    const hit = this.cached.get(tenant);
    if (hit !== undefined && now.getTime() - hit.at < (this.deps.cacheMs ?? 5_000)) return hit.limits;
    const limits = this.deps.rates.list(tenant).then((all) => new Map(all.map((l) => [l.type, l.rate])));
    this.cached.set(tenant, { at: now.getTime(), limits });
    limits.catch(() => this.cached.delete(tenant));
    return limits;
  }

  /** Forget a tenant's cached limits (this process changed them). */
  forget(tenant: string): void {
    this.cached.delete(tenant);
  }

  /** For the lease path: types out of tokens, and the running count and limit of each key among `tasks`. */
  async view(tenant: string, tasks: readonly Pick<Task, 'type' | 'placement'>[], now: Date): Promise<GateView> {
    const limits = await this.limitsOf(tenant, now);
    const blockedTypes = new Set<string>();
    if (tasks.some((t) => limits.has(t.type))) {
      for (const stored of await this.deps.rates.list(tenant)) {
        if (tokensUsed(stored.tat, stored.rate, now.getTime()) >= stored.rate.limit) blockedTypes.add(stored.type);
      }
    }
    const concurrencyLimits: Record<string, number> = {};
    for (const t of tasks) if (t.placement?.concurrency !== undefined) concurrencyLimits[t.placement.concurrency.key] = t.placement.concurrency.limit;
    const keys = Object.keys(concurrencyLimits);
    const runningByConcurrencyKey: Record<string, number> = {};
    if (keys.length > 0) for (const [key, holders] of await this.deps.slots.holders(tenant, keys)) runningByConcurrencyKey[key] = holders.length;
    return { blockedTypes, runningByConcurrencyKey, concurrencyLimits };
  }

  /**
   * A slot of the key, or WaitForTurn. A full key is checked for left-over holders
   * (attempts that ended without a release: a crash between the two writes); those
   * are removed, conditionally on their attempt, and the acquire tried again. So a
   * lost release costs a contender one read, never a slot for good.
   */
  private async takeSlot(task: Task, concurrency: { key: string; limit: number }, attempt: number, now: Date, held: HeldToken | undefined): Promise<void> {
    // A task refused a slot keeps the rate token it holds: it comes back with it.
    const keep = held !== undefined ? { token: held } : {};
    const holder: SlotHolder = { taskId: task.id, attempt, at: now.getTime() };
    for (let round = 0; round < 3; round++) {
      const outcome = await this.deps.slots.acquire(task.tenant, concurrency.key, concurrency.limit, holder);
      if (outcome.ok) return;
      const records = await this.deps.records.getMany(task.tenant, outcome.holders.map((h) => h.taskId));
      const byId = new Map(records.map((r) => [r.id, r]));
      const leftOver = outcome.holders.filter((h) => isLeftOver(h, byId.get(h.taskId), now));
      if (leftOver.length === 0) {
        throw new WaitForTurn(`concurrency key ${concurrency.key} is at its limit of ${concurrency.limit}`, now.getTime() + slotWaitSeconds(outcome.holders, now, this.deps.random()) * 1000, keep);
      }
      await Promise.all(leftOver.map((h) => this.deps.slots.release(task.tenant, concurrency.key, h.taskId, h.attempt)));
    }
    throw new WaitForTurn(`concurrency key ${concurrency.key} is contended`, now.getTime() + 1000, keep);
  }
}

/** Is this a start refused for now (not a failure)? */
export const isWaitForTurn = (error: unknown): error is WaitForTurn => error instanceof WaitForTurn;
