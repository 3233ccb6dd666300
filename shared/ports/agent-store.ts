import type { Agent } from '../domain/agent.js';
import type { HeldLease } from '../domain/leasing.js';

/** Registered agents and the leases they hold; every key is per tenant. */
export interface AgentStore {
  create(agent: Agent): Promise<void>;
  get(tenant: string, id: string): Promise<Agent | undefined>;
  /** The tenant's agents (registered ones, online or not), oldest first. */
  list(tenant: string): Promise<readonly Agent[]>;
  /** Records that the agent was heard from. */
  touch(tenant: string, id: string, now: Date): Promise<void>;
  /**
   * Takes the agent's lease-call lock, so two lease calls of one agent cannot
   * both spend the same free capacity, and records the agent as seen. False when
   * another call holds it (and it is not older than `staleMs`).
   */
  lock(tenant: string, id: string, now: Date, staleMs: number): Promise<boolean>;
  /** Whether a lease call holds the agent's lock now (a strongly consistent read: a read unit, not a write). */
  isLeasing(tenant: string, id: string): Promise<boolean>;
  /**
   * Releases the lock and records the leases the call took, in one write: a
   * lease call that takes k tasks writes the agent twice, not k + 2 times. Until
   * then the lock keeps every other lease call of the agent out, so no call
   * counts free capacity without them. `ended`: leases the agent reported finished, removed in the same write.
   */
  unlock(tenant: string, id: string, taken?: readonly HeldLease[], ended?: readonly string[]): Promise<void>;
  addLease(tenant: string, id: string, lease: HeldLease): Promise<void>;
  /** Drops a lease (done, failed, released, cancelled or lapsed); a missing one is fine. */
  removeLease(tenant: string, id: string, taskId: string): Promise<void>;
}
