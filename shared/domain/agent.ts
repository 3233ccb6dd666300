import type { AgentCapacity, HeldLease } from './leasing.js';
import type { Task } from './task.js';

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
  /** taskId → the lease it holds (see HeldLease): each counts against its capacity until dropped. */
  readonly leases: Readonly<Record<string, HeldLease>>;
  /** Bumped by each lease call that adds leases: two calls of one agent that read the same revision cannot both spend its room. */
  readonly revision: number;
  /** Until when a lease call of this agent may be waiting for work (see lease-ended.ts). */
  readonly waitingUntil?: string;
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

/** What the sweep does with a lease an agent's record holds, once its check is due. */
export type LeaseCheck =
  /** The task is not this agent's attempt (it ended, or the claim never happened): the entry goes. */
  | { readonly kind: 'drop' }
  /** The task's lease lapsed: a lost attempt. */
  | { readonly kind: 'lapsed' }
  /** Nothing heard from the agent or on the task for too long: a lost attempt, now rather than at the lease's end. */
  | { readonly kind: 'abandoned'; readonly silentSeconds: number }
  /** Alive: look again then. */
  | { readonly kind: 'recheck'; readonly at: string };

/**
 * Decides on one held lease, from the task's record as read now and the agent's
 * last sign of life (its own, or a write on the task: start, heartbeat, progress).
 */
export function leaseCheck(task: Pick<Task, 'status' | 'worker' | 'leaseExpiresAt' | 'updatedAt'> | undefined, agent: Pick<Agent, 'id' | 'lastSeenAt'>, now: Date): LeaseCheck {
  if (task === undefined || task.status !== 'ACTIVE' || task.worker !== agent.id || task.leaseExpiresAt === undefined) return { kind: 'drop' };
  if (Date.parse(task.leaseExpiresAt) <= now.getTime()) return { kind: 'lapsed' };
  const lastHeard = Math.max(Date.parse(task.updatedAt), Date.parse(agent.lastSeenAt));
  const silentSeconds = (now.getTime() - lastHeard) / 1000;
  if (silentSeconds >= AGENT_LOST_AFTER_SECONDS) return { kind: 'abandoned', silentSeconds };
  return { kind: 'recheck', at: leaseCheckAt(task.leaseExpiresAt, lastHeard) };
}

/** Whether any of the agent's leases is due for a check (or all are, its agent silent too long). */
export function leasesToCheck(agent: Pick<Agent, 'leases' | 'lastSeenAt'>, now: Date): HeldLease[] {
  const silent = now.getTime() - Date.parse(agent.lastSeenAt) >= AGENT_LOST_AFTER_SECONDS * 1000;
  return Object.values(agent.leases).filter((lease) => silent || Date.parse(lease.checkAt) <= now.getTime());
}

export function isOnline(agent: Pick<Agent, 'lastSeenAt'>, now: Date): boolean {
  return now.getTime() - Date.parse(agent.lastSeenAt) <= AGENT_OFFLINE_AFTER_SECONDS * 1000;
}

/** The public view of an agent: its leases as a count. */
export function toAgentView(agent: Agent, now: Date): Omit<Agent, 'tenant' | 'leases' | 'revision' | 'waitingUntil'> & { status: 'online' | 'offline'; activeLeases: number } {
  const { tenant: _tenant, leases, revision: _revision, waitingUntil: _waiting, ...rest } = agent;
  return { ...rest, status: isOnline(agent, now) ? 'online' : 'offline', activeLeases: Object.keys(leases).length };
}
