import { mergeMinutes, minuteOf, type MinuteAggregate, type MinuteCounts, type MinuteDeltas } from '../../domain/minute-aggregates.js';
import { PRIORITIES, type Priority } from '../../domain/priority.js';
import type { MinuteAggregates, MinuteSeries } from '../../ports/minute-aggregates.js';

export class MemoryMinuteAggregates implements MinuteAggregates {
  private readonly minutes = new Map<string, Map<string, MinuteCounts>>();

  async add(deltas: MinuteDeltas): Promise<void> {
    for (const [tenant, minutes] of deltas) {
      const kept = this.minutes.get(tenant) ?? new Map<string, MinuteCounts>();
      for (const [minute, counts] of minutes) kept.set(minute, kept.has(minute) ? mergeMinutes([kept.get(minute) as MinuteCounts, counts]) : counts);
      this.minutes.set(tenant, kept);
    }
  }

  async read(tenant: string, since: Date): Promise<MinuteSeries> {
    const all = [...(this.minutes.get(tenant) ?? new Map<string, MinuteCounts>())];
    const waiting = Object.fromEntries(PRIORITIES.map((p) => [p, Math.max(0, all.reduce((n, [, m]) => n + (m.waiting[p] ?? 0), 0))])) as Record<Priority, number>;
    const from = minuteOf(since);
    const minutes: MinuteAggregate[] = all.filter(([minute]) => minute >= from).map(([minute, m]) => ({ minute, ...m }));
    return { minutes, waiting };
  }
}
