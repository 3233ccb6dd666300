import type { Schedule } from '../../domain/schedule.js';
import type { DueRef, ScheduleChanges, ScheduleStore } from '../../ports/schedule-store.js';
import { tenantKey } from '../../topology/keys.js';

/** The in-memory ScheduleStore: the same contract as the DynamoDB one, for unit tests. */
export class MemoryScheduleStore implements ScheduleStore {
  private readonly items = new Map<string, Schedule>();

  async create(schedule: Schedule): Promise<void> {
    const key = tenantKey(schedule.tenant, 'schedule', schedule.id);
    if (this.items.has(key)) throw new Error(`schedule ${schedule.id} already exists`);
    this.items.set(key, structuredClone(schedule));
  }

  async get(tenant: string, id: string): Promise<Schedule | undefined> {
    const found = this.items.get(tenantKey(tenant, 'schedule', id));
    return found === undefined ? undefined : structuredClone(found);
  }

  async list(tenant: string, limit: number): Promise<readonly Schedule[]> {
    return [...this.items.values()]
      .filter((s) => s.tenant === tenant)
      .sort((a, b) => `${a.createdAt}#${a.id}`.localeCompare(`${b.createdAt}#${b.id}`))
      .slice(0, limit)
      .map((s) => structuredClone(s));
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    return this.items.delete(tenantKey(tenant, 'schedule', id));
  }

  async update(tenant: string, id: string, expectedNextRunAt: string | undefined, changes: ScheduleChanges): Promise<Schedule | undefined> {
    const key = tenantKey(tenant, 'schedule', id);
    const current = this.items.get(key);
    if (current === undefined || current.nextRunAt !== expectedNextRunAt) return undefined;
    const { nextRunAt, ...rest } = { ...current, ...changes };
    const next: Schedule = { ...rest, ...(nextRunAt === undefined ? {} : { nextRunAt }) };
    this.items.set(key, next);
    return structuredClone(next);
  }

  async due(now: Date, limit: number): Promise<readonly DueRef[]> {
    const at = now.toISOString();
    return [...this.items.values()]
      .flatMap((s) => (s.nextRunAt !== undefined && s.nextRunAt <= at ? [{ tenant: s.tenant, id: s.id, nextRunAt: s.nextRunAt }] : []))
      .sort((a, b) => a.nextRunAt.localeCompare(b.nextRunAt))
      .slice(0, limit);
  }

  async earliestDue(): Promise<Date | undefined> {
    const times = [...this.items.values()].flatMap((s) => (s.nextRunAt === undefined ? [] : [s.nextRunAt])).sort();
    return times[0] === undefined ? undefined : new Date(times[0]);
  }
}
