import type { Agent } from '../domain/agent.js';
import type { HeldLease } from '../domain/leasing.js';

/** A change to an agent's record that needs no read first: one write. */
export interface AgentChange {
  /** Leases to drop (ended, never claimed, or found gone); a missing one is fine. */
  readonly drop?: readonly string[];
  /** The agent was heard from. */
  readonly seenAt?: Date;
  /** A lease call of the agent may wait for work until then (see lease-ended.ts). */
  readonly waitingUntil?: Date;
}

/** Registered agents and the leases they hold; every key is per tenant. */
export interface AgentStore {
  create(agent: Agent): Promise<void>;
  get(tenant: string, id: string): Promise<Agent | undefined>;
  /** The tenant's agents (registered ones, online or not), oldest first. */
  list(tenant: string): Promise<readonly Agent[]>;
  /** Records that the agent was heard from. */
  touch(tenant: string, id: string, now: Date): Promise<void>;
  /**
   * Adds the leases a lease call is about to claim (and drops `ended`), in one
   * write, only if the record is still at `seen.revision`: of two calls of one
   * agent that read the same record, one adds and the other reads again, so they
   * never both spend the same room. False when the revision moved.
   * From then until the sweep finds it idle, the agent is one of `leaseHolders`.
   */
  reserve(seen: Agent, add: readonly HeldLease[], ended: readonly string[], now: Date): Promise<boolean>;
  /** One write of `change`; an agent that no longer exists is fine. */
  update(tenant: string, id: string, change: AgentChange): Promise<void>;
  /** Moves a held lease's next check (the sweep); one dropped meanwhile stays dropped. */
  recheck(tenant: string, id: string, taskId: string, checkAt: string): Promise<void>;
  /** Every tenant's agents that held a lease since the sweep last found them idle (the sweep's list). */
  leaseHolders(): Promise<readonly Agent[]>;
  /** Takes an agent off `leaseHolders` if it holds no lease now (a lease call adding one meanwhile keeps it on). */
  markIdle(tenant: string, id: string): Promise<void>;
}
