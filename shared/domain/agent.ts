import type { AgentCapacity, HeldLease } from './leasing.js';

/** A registered external agent. */
export interface Agent {
  readonly id: string;
  readonly tenant: string;
  readonly name?: string;
  readonly capabilities: readonly string[];
  readonly capacity: AgentCapacity;
  /** Relative speed: an agent of weight 2 is expected to finish work twice as fast. @default 1 */
  readonly weight: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly registeredAt: string;
  readonly lastSeenAt: string;
  /** taskId → the lease it holds. Lapsed entries are ignored and pruned over time. */
  readonly leases: Readonly<Record<string, HeldLease>>;
}

/** How often an agent should show it is alive (a lease call or a heartbeat). */
export const AGENT_HEARTBEAT_SECONDS = 20;
/** Silent for this long: offline. */
export const AGENT_OFFLINE_AFTER_SECONDS = 3 * AGENT_HEARTBEAT_SECONDS;

/**
 * Silent this long (no heartbeat, lease call, task heartbeat or progress), an
 * agent's leases are presumed lost, as if they had lapsed: offline, plus the grace
 * a lease gets past its timeout. Without it, a task held by a killed agent waits
 * out its whole timeout (300 s by default) before it runs again.
 */
export const AGENT_LOST_AFTER_SECONDS = AGENT_OFFLINE_AFTER_SECONDS + 30;

/**
 * When the sweep should next look at an agent's lease: when it lapses, or when
 * its agent will have been silent too long, whichever is first. `lastHeard` is
 * the latest sign of life (the agent's or the task's own).
 */
export function leaseCheckAt(leaseExpiresAt: string, lastHeard: number): string {
  return new Date(Math.min(Date.parse(leaseExpiresAt), lastHeard + AGENT_LOST_AFTER_SECONDS * 1000)).toISOString();
}

export function isOnline(agent: Pick<Agent, 'lastSeenAt'>, now: Date): boolean {
  return now.getTime() - Date.parse(agent.lastSeenAt) <= AGENT_OFFLINE_AFTER_SECONDS * 1000;
}

/** The public view of an agent: its leases as a count of live ones. */
export function toAgentView(agent: Agent, now: Date): Omit<Agent, 'tenant' | 'leases'> & { status: 'online' | 'offline'; activeLeases: number } {
  const { tenant: _tenant, leases, ...rest } = agent;
  const activeLeases = Object.values(leases).filter((lease) => Date.parse(lease.expiresAt) > now.getTime()).length;
  return { ...rest, status: isOnline(agent, now) ? 'online' : 'offline', activeLeases };
}
