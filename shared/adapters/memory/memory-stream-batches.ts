import type { JobCountDeltas } from '../../domain/job.js';
import type { MinuteDeltas } from '../../domain/minute-aggregates.js';
import type { BatchHalf, StatusDeltas, StreamBatches, StreamBatchState } from '../../ports/stream-batches.js';
import type { MemoryMinuteAggregates } from './memory-minute-aggregates.js';
import type { MemoryTaskCounters } from './memory-task-counters.js';

export class MemoryStreamBatches implements StreamBatches {
  readonly batches = new Map<string, StreamBatchState>();
  /** `<tenant>\u0000<job>` → the child counts added (the job counter items, in DynamoDB). */
  readonly jobCounts = new Map<string, { completed: number; failed: number; cancelled: number }>();

  constructor(
    private readonly counters: MemoryTaskCounters,
    private readonly aggregates?: MemoryMinuteAggregates,
  ) {}

  async open(batchId: string, now: Date): Promise<StreamBatchState> {
    const state = this.batches.get(batchId) ?? { openedAt: now };
    this.batches.set(batchId, state);
    return state;
  }

  async count(batchId: string, deltas: StatusDeltas, previous: string | undefined, through: string, secondHalf?: BatchHalf, minutes?: MinuteDeltas, jobs?: JobCountDeltas): Promise<boolean> {
    const state = this.batches.get(batchId);
    if (state === undefined || state.countedThrough !== previous) return false;
    const half = secondHalf === undefined ? undefined : this.batches.get(secondHalf.batchId);
    if (half?.countedThrough !== undefined && half.countedThrough !== previous) return false;
    this.batches.set(batchId, { ...state, countedThrough: through });
    if (secondHalf !== undefined) this.batches.set(secondHalf.batchId, { openedAt: half?.openedAt ?? secondHalf.openedAt, countedThrough: through });
    for (const [tenant, tenantDeltas] of deltas) await this.counters.add(tenant, tenantDeltas);
    if (minutes !== undefined) await this.aggregates?.add(minutes);
    for (const [key, { counts }] of jobs ?? []) {
      const sum = this.jobCounts.get(key) ?? { completed: 0, failed: 0, cancelled: 0 };
      this.jobCounts.set(key, { completed: sum.completed + counts.completed, failed: sum.failed + counts.failed, cancelled: sum.cancelled + counts.cancelled });
    }
    return true;
  }
}
