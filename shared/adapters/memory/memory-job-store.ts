import { sumShards, type ChildCounts, type Job, type JobStatus } from '../../domain/job.js';
import { expansionFree, type ItemChunk } from '../../domain/job-expansion.js';
import type { JobPatch, JobStore } from '../../ports/job-store.js';
import type { Page } from '../../ports/task-queries.js';

/**
 * Jobs in memory, for unit tests of the job services. The same contract as the
 * DynamoDB adapter (test/contract/job-store.contract.ts): every conditional
 * write checks what the DynamoDB one's condition checks, and a job is among the
 * active ones exactly while DynamoDB keeps it in the `due` index. Child counts
 * are the task table's (`counts`), kept there by its commits as DynamoDB's
 * transactions keep the counter items.
 */
export class MemoryJobStore implements JobStore {
  private readonly jobs = new Map<string, Job>();
  private readonly active = new Set<string>();
  private readonly idempotency = new Map<string, string>();
  private readonly chunks = new Map<string, ItemChunk>();

  constructor(private readonly counters: ReadonlyMap<string, ChildCounts> = new Map()) {}

  async create(job: Job, idempotencyKey?: string): Promise<{ created: boolean; job: Job }> {
    const idem = idempotencyKey === undefined ? undefined : key(job.tenant, idempotencyKey);
    const replayOf = idem === undefined ? undefined : this.idempotency.get(idem);
    const existing = replayOf === undefined ? undefined : this.jobs.get(key(job.tenant, replayOf));
    if (existing !== undefined) return { created: false, job: existing };
    if (this.jobs.has(key(job.tenant, job.id))) throw new Error(`job ${job.id} exists`);
    this.jobs.set(key(job.tenant, job.id), job);
    this.active.add(key(job.tenant, job.id));
    if (idem !== undefined) this.idempotency.set(idem, job.id);
    return { created: true, job };
  }

  async idempotent(tenant: string, idempotencyKey: string): Promise<string | undefined> {
    return this.idempotency.get(key(tenant, idempotencyKey));
  }

  async get(tenant: string, id: string): Promise<Job | undefined> {
    return this.jobs.get(key(tenant, id));
  }

  async counts(tenant: string, id: string): Promise<ChildCounts> {
    return sumShards([...this.counters].filter(([k]) => k.startsWith(`${tenant}#${id}#`)).map(([, counts]) => counts));
  }

  async transition(tenant: string, id: string, from: readonly JobStatus[], patch: JobPatch, now: Date): Promise<boolean> {
    const job = this.jobs.get(key(tenant, id));
    if (job === undefined || !from.includes(job.status)) return false;
    const { unwind, ...fields } = patch;
    const next: Job = { ...job, ...fields, updatedAt: now.toISOString() };
    this.put(unwind === true ? { ...next, cancelCursor: 0 } : next);
    if (patch.status !== 'RUNNING' && patch.status !== 'REDUCING' && unwind !== true) this.active.delete(key(tenant, id));
    return true;
  }

  async markChildrenEnqueued(tenant: string, id: string): Promise<void> {
    const job = this.jobs.get(key(tenant, id));
    if (job !== undefined) this.put({ ...job, childrenEnqueued: true });
  }

  async putChunks(tenant: string, jobId: string, chunks: readonly ItemChunk[]): Promise<void> {
    for (const [n, chunk] of chunks.entries()) this.chunks.set(key(tenant, `${jobId}#${n}`), chunk);
  }

  async getChunk(tenant: string, jobId: string, n: number): Promise<ItemChunk | undefined> {
    return this.chunks.get(key(tenant, `${jobId}#${n}`));
  }

  async claimExpansion(tenant: string, id: string, run: string, until: Date, now: Date): Promise<{ job: Job; takenOver: boolean } | undefined> {
    const job = this.jobs.get(key(tenant, id));
    if (job === undefined || job.status !== 'RUNNING' || job.expanded === undefined || job.expanded >= job.total) return undefined;
    return this.hold(job, run, until, now);
  }

  async advanceExpansion(tenant: string, id: string, step: { run: string; from: number; to: number; last: boolean }, now: Date): Promise<boolean> {
    const job = this.jobs.get(key(tenant, id));
    if (job === undefined || job.expander !== step.run || job.expanded !== step.from || job.status !== 'RUNNING') return false;
    const moved = { ...job, expanded: step.to, updatedAt: now.toISOString() };
    this.put(step.last ? withoutHold({ ...moved, childrenEnqueued: true }) : moved);
    return true;
  }

  async releaseExpansion(tenant: string, id: string, run: string): Promise<void> {
    const job = this.jobs.get(key(tenant, id));
    if (job?.expander === run) this.put(withoutHold(job));
  }

  async claimCancellation(tenant: string, id: string, run: string, until: Date, now: Date): Promise<{ job: Job; takenOver: boolean } | undefined> {
    const job = this.jobs.get(key(tenant, id));
    if (job === undefined || job.cancelCursor === undefined || (job.status !== 'CANCELLED' && job.status !== 'FAILED')) return undefined;
    return this.hold(job, run, until, now);
  }

  async advanceCancellation(tenant: string, id: string, step: { run: string; from: number; to: number; last: boolean }, now: Date): Promise<boolean> {
    const job = this.jobs.get(key(tenant, id));
    if (job === undefined || job.expander !== step.run || job.cancelCursor !== step.from) return false;
    if (step.last) {
      const { cancelCursor: _done, ...rest } = withoutHold(job);
      this.put({ ...rest, updatedAt: now.toISOString() });
      this.active.delete(key(tenant, id));
    } else {
      this.put({ ...job, cancelCursor: step.to, updatedAt: now.toISOString() });
    }
    return true;
  }

  async listActive(limit: number): Promise<readonly Job[]> {
    return [...this.active]
      .flatMap((k) => this.jobs.get(k) ?? [])
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, limit);
  }

  async listByTenant(tenant: string, limit: number): Promise<Page<Job>> {
    const mine = [...this.jobs.values()].filter((j) => j.tenant === tenant).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { items: mine.slice(0, limit) };
  }

  /** The hold's condition, as DynamoDB's: nobody holds it, this run does, or the holder's time is up. */
  private hold(job: Job, run: string, until: Date, now: Date): { job: Job; takenOver: boolean } | undefined {
    if (job.expander !== run && !expansionFree(job, now)) return undefined;
    const held = { ...job, expander: run, expanderUntil: until.toISOString() };
    this.put(held);
    return { job: held, takenOver: job.expander !== undefined };
  }

  private put(job: Job): void {
    this.jobs.set(key(job.tenant, job.id), job);
  }
}

const key = (tenant: string, id: string): string => `${tenant}#${id}`;

function withoutHold(job: Job): Job {
  const { expander: _run, expanderUntil: _until, ...rest } = job;
  return rest;
}
