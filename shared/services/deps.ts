import type { AgentStore } from '../ports/agent-store.js';
import type { JobStore } from '../ports/job-store.js';
import type { TaskQueries } from '../ports/task-queries.js';
import type { TaskQueue } from '../ports/task-queue.js';
import type { TaskRecords } from '../ports/task-records.js';
import type { TokenStore } from '../ports/token-store.js';
import type { Pool } from '../topology/topology.js';
import type { TaskLifecycle } from './task-lifecycle.js';

/** What the task use cases run on: the lifecycle, the ports, the pools, and the id source and clock. */
export interface Services {
  readonly lifecycle: TaskLifecycle;
  readonly records: TaskRecords;
  readonly queries: TaskQueries;
  /** Registered agents: admission checks agent-pool tasks against them. */
  readonly agents: Pick<AgentStore, 'list'>;
  /** The same list as read a few seconds ago in this process, when there is such a view: admission looks there first (placement.ts). */
  readonly recentAgents?: Pick<AgentStore, 'list'>;
  readonly tokens: TokenStore;
  readonly pools: readonly Pool[];
  readonly newId: () => string;
  readonly now: () => Date;
  /** Where a use case reports what it recovered from (the edge passes its logger). */
  readonly warn: (message: string, details: Record<string, unknown>) => void;
}

/** What the job use cases run on (submit, expand, fan in, cancel). */
export interface JobDeps extends Pick<Services, 'lifecycle' | 'records' | 'agents' | 'recentAgents' | 'pools' | 'newId' | 'now' | 'warn'> {
  readonly jobs: JobStore;
  /** Where expansion messages go (the work queues). */
  readonly queue: Pick<TaskQueue, 'enqueue'>;
}
