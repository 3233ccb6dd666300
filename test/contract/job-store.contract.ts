import { beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/domain/job.js';
import type { JobStore } from '../../shared/ports/job-store.js';

const at = new Date('2026-03-01T10:00:00.000Z');
const later = (seconds: number): Date => new Date(at.getTime() + seconds * 1000);

function job(id: string, overrides: Partial<Job> = {}): Job {
  return {
    id,
    tenant: 'acme',
    status: 'RUNNING',
    total: 1_000,
    mapType: 'echo',
    priority: 'normal',
    requires: [],
    pool: 'general',
    failurePolicy: { maxFailedFraction: 0 },
    childrenEnqueued: false,
    chunkStarts: [0],
    expanded: 0,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    ...overrides,
  };
}

const ids = (jobs: readonly Job[]): string[] => jobs.map((j) => j.id);

/**
 * One suite for every JobStore adapter (memory, DynamoDB): the holds and cursors
 * the expansion and the cancellation of a job rely on.
 */
export function jobStoreContract(name: string, open: () => Promise<JobStore>): void {
  describe(`job store contract: ${name}`, () => {
    let store: JobStore;
    beforeEach(async () => {
      store = await open();
    });

    it('a job that stops plainly leaves the active jobs; one that stops to unwind stays, with its cursor at 0, its expansion hold kept', async () => {
      await store.create(job('plain'));
      await store.create(job('unwinds'));
      expect(await store.claimExpansion('acme', 'unwinds', 'expander', later(600), at)).toBeDefined();
      expect(await store.transition('acme', 'plain', ['RUNNING'], { status: 'CANCELLED', finishedAt: at.toISOString() }, at)).toBe(true);
      expect(await store.transition('acme', 'unwinds', ['RUNNING'], { status: 'CANCELLED', finishedAt: at.toISOString(), unwind: true }, at)).toBe(true);
      const stopped = await store.get('acme', 'unwinds');
      expect(stopped).toMatchObject({ status: 'CANCELLED', cancelCursor: 0, expander: 'expander', expanderUntil: later(600).toISOString() });
      expect((await store.get('acme', 'plain'))?.cancelCursor).toBeUndefined();
      expect(ids(await store.listActive(100))).toEqual(['unwinds']);
      // A stopped job's expansion cannot be taken again.
      expect(await store.claimExpansion('acme', 'unwinds', 'late', later(600), at)).toBeUndefined();
    });

    it('takes a cancellation only on a stopped job with a cursor, one run at a time until the holder’s time is up', async () => {
      await store.create(job('running'));
      expect(await store.claimCancellation('acme', 'running', 'a', later(60), at)).toBeUndefined();
      await store.create(job('c'));
      await store.transition('acme', 'c', ['RUNNING'], { status: 'CANCELLED', unwind: true }, at);
      expect(await store.claimCancellation('acme', 'c', 'a', later(60), at)).toMatchObject({ job: { cancelCursor: 0, expander: 'a' }, takenOver: false });
      expect(await store.claimCancellation('acme', 'c', 'b', later(120), later(30))).toBeUndefined();
      expect(await store.claimCancellation('acme', 'c', 'b', later(120), later(61))).toMatchObject({ takenOver: true });
      await store.create(job('f'));
      await store.transition('acme', 'f', ['RUNNING'], { status: 'FAILED', error: 'too many failures', unwind: true }, at);
      expect(await store.claimCancellation('acme', 'f', 'a', later(60), at)).toBeDefined();
    });

    it('keeps a cancellation out while the expansion run that held the job when it stopped holds it: until it lets go, or its time is up', async () => {
      await store.create(job('released'));
      await store.create(job('lapsed'));
      for (const id of ['released', 'lapsed']) {
        await store.claimExpansion('acme', id, 'expander', later(60), at);
        await store.transition('acme', id, ['RUNNING'], { status: 'CANCELLED', unwind: true }, at);
        expect(await store.claimCancellation('acme', id, 'canceller', later(600), later(1))).toBeUndefined();
      }
      // The expansion cannot move on a stopped job, hold or not.
      expect(await store.advanceExpansion('acme', 'released', { run: 'expander', from: 0, to: 250, last: false }, later(2))).toBe(false);
      await store.releaseExpansion('acme', 'released', 'expander');
      expect(await store.claimCancellation('acme', 'released', 'canceller', later(600), later(2))).toMatchObject({ job: { cancelCursor: 0, expander: 'canceller' }, takenOver: false });
      // A run that died: its hold ends with its time, and the cancellation takes it over.
      expect(await store.claimCancellation('acme', 'lapsed', 'canceller', later(600), later(59))).toBeUndefined();
      expect(await store.claimCancellation('acme', 'lapsed', 'canceller', later(600), later(61))).toMatchObject({ job: { cancelCursor: 0 }, takenOver: true });
    });

    it('moves the cursor only for the holder and from where it is; the last step removes cursor, hold and the active entry', async () => {
      await store.create(job('c'));
      await store.transition('acme', 'c', ['RUNNING'], { status: 'CANCELLED', unwind: true }, at);
      await store.claimCancellation('acme', 'c', 'a', later(60), at);
      expect(await store.advanceCancellation('acme', 'c', { run: 'b', from: 0, to: 400, last: false }, at)).toBe(false);
      expect(await store.advanceCancellation('acme', 'c', { run: 'a', from: 0, to: 400, last: false }, later(1))).toBe(true);
      expect(await store.advanceCancellation('acme', 'c', { run: 'a', from: 0, to: 400, last: false }, later(1))).toBe(false);
      expect(await store.get('acme', 'c')).toMatchObject({ cancelCursor: 400, updatedAt: later(1).toISOString() });
      expect(ids(await store.listActive(100))).toEqual(['c']);
      expect(await store.advanceCancellation('acme', 'c', { run: 'a', from: 400, to: 1_000, last: true }, later(2))).toBe(true);
      const done = await store.get('acme', 'c');
      expect(done).toMatchObject({ status: 'CANCELLED', updatedAt: later(2).toISOString() });
      expect([done?.cancelCursor, done?.expander, done?.expanderUntil]).toEqual([undefined, undefined, undefined]);
      expect(await store.listActive(100)).toEqual([]);
      expect(await store.claimCancellation('acme', 'c', 'a', later(60), later(3))).toBeUndefined();
    });

    it('lets a run release its hold (handing over), and not another run’s', async () => {
      await store.create(job('c'));
      await store.transition('acme', 'c', ['RUNNING'], { status: 'CANCELLED', unwind: true }, at);
      await store.claimCancellation('acme', 'c', 'a', later(600), at);
      await store.releaseExpansion('acme', 'c', 'b');
      expect(await store.claimCancellation('acme', 'c', 'b', later(600), at)).toBeUndefined();
      await store.releaseExpansion('acme', 'c', 'a');
      expect(await store.claimCancellation('acme', 'c', 'b', later(600), at)).toMatchObject({ takenOver: false });
    });

    it('keeps jobs per tenant', async () => {
      await store.create(job('c'));
      await store.transition('acme', 'c', ['RUNNING'], { status: 'CANCELLED', unwind: true }, at);
      expect(await store.claimCancellation('globex', 'c', 'a', later(60), at)).toBeUndefined();
      expect(await store.get('globex', 'c')).toBeUndefined();
    });
  });
}
