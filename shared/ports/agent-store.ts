import type { Agent } from '../domain/agent.js';
import type { HeldLease } from '../domain/leasing.js';

/** Registered agents and the leases they hold. */
export interface AgentStore {
  create(agent: Agent): Promise<void>;
  get(id: string): Promise<Agent | undefined>;
  /** Records that the agent was heard from. */
  touch(id: string, now: Date): Promise<void>;
  /**
   * Takes the agent's lease-call lock, so two lease calls of one agent cannot
   * both spend the same free capacity. False when another call holds it (and
   * it is not older than `staleMs`).
   */
  lock(id: string, now: Date, staleMs: number): Promise<boolean>;
  unlock(id: string): Promise<void>;
  addLease(id: string, lease: HeldLease): Promise<void>;
  /** Drops a lease (done, failed, released or lapsed); a missing one is fine. */
  removeLease(id: string, taskId: string): Promise<void>;
  /** Counts of the tenant's agents, for /stats. */
  countByStatus(tenant: string, now: Date): Promise<{ online: number; offline: number }>;
}
