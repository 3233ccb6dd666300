import { eventsOf, matchesEventType, type DecodedRecord, type TaskfleetEvent } from '../domain/events.js';
import type { Webhook } from '../domain/webhook.js';
import type { DeliveryMessage, DeliveryQueue, EventLog, EventPublisher } from '../ports/events.js';
import type { CircuitChange, EventMetrics } from '../ports/event-metrics.js';
import type { TaskCounters } from '../ports/task-counters.js';
import type { ReadyTenants } from '../ports/backlog.js';
import { recordCounts } from './count-tasks.js';
import { releaseValues, type ReleaseValuesDeps } from './release-values.js';
import { releasedRefs } from '../domain/value-refs.js';
import { countDeltas } from '../domain/task-counts.js';
import { jobCountDeltas } from '../domain/job.js';
import { minuteDeltas } from '../domain/minute-aggregates.js';
import type { MinuteAggregates } from '../ports/minute-aggregates.js';
import { secondHalfOf, sequenceAtOrBefore, type StreamBatches, type StreamBatchState } from '../ports/stream-batches.js';

export interface StreamConsumerDeps {
  readonly publisher: EventPublisher;
  readonly deliveries: DeliveryQueue;
  readonly eventLog: EventLog;
  readonly metrics: EventMetrics;
  /** A tenant's webhooks; may be cached for a few seconds. */
  readonly webhooksOf: (tenant: string) => Promise<readonly Webhook[]>;
  readonly now: () => Date;
  readonly warn: (message: string, details: Record<string, unknown>) => void;
  /** Each tenant's counts by status (GET /stats), kept from the same batches. */
  readonly counters?: TaskCounters;
  /** Each tenant's per-minute sums (GET /stats' recent figures and series); with `batches`, written in its transaction instead. */
  readonly aggregates?: MinuteAggregates;
  /**
   * Makes a batch delivered again harmless (at-least-once on AWS, and a local replay
   * after a crash): counts applied once, event-log items under the same keys, events
   * of records already counted not sent again. Without it, counts go through `counters`.
   */
  readonly batches?: StreamBatches;
  /** Deletes the values-bucket objects a task record let go of (removed, expired, or pointed elsewhere). */
  readonly values?: ReleaseValuesDeps;
  /**
   * The jobs whose children's outcomes a batch counted (with `batches`, in its
   * transaction): each may have every child finished now, so its fan-in runs
   * (fan-in.ts; safe to repeat, and the sweep's job pass repeats a missed one).
   */
  readonly jobsCounted?: (jobs: readonly { readonly tenant: string; readonly jobId: string }[]) => Promise<void>;
  /** Which tenants have work waiting in agent pools (the sweep's backlog alarms), marked from the same batches. */
  readonly readyTenants?: { readonly marks: ReadyTenants; readonly agentPools: ReadonlySet<string> };
}

export interface StreamRecord {
  /** The stream's sequence number: what a partial batch failure names. */
  readonly sequenceNumber: string;
  /** The stream record's eventID: a batch is known by its first record's. */
  readonly eventId?: string;
  readonly change: DecodedRecord;
}

/**
 * One batch of the table's stream → events: published to the topic, queued once per
 * matching webhook, appended to each tenant's event log, and counted in metrics.
 * Returns the sequence number of the first record whose events did not all go out:
 * the stream resumes there (earlier records are done; later ones may be published
 * twice, which the stable event ids let a receiver ignore).
 *
 * Why the consumer fans out to webhooks itself (not an SNS subscription per webhook):
 * one delivery message per webhook carries its own attempt count and backoff, tenants
 * add and remove webhooks with a table write instead of SNS subscription management,
 * and the same code runs on fauxqs.
 */
export async function consumeStream(deps: StreamConsumerDeps, batch: readonly StreamRecord[]): Promise<{ retryFrom?: string }> {
  // A batch delivered again: the records its earlier delivery counted are done.
  const derives = batch.some(({ change }) => change.kind === 'task' || change.kind === 'job');
  const batchId = batch[0]?.eventId;
  const state: StreamBatchState | undefined = deps.batches !== undefined && batchId !== undefined && batchId !== '' && derives ? await deps.batches.open(batchId, deps.now()) : undefined;
  const counted = state?.countedThrough;
  const records = counted === undefined ? batch : batch.filter((r) => !sequenceAtOrBefore(r.sequenceNumber, counted));
  if (records.length === 0) return {};

  const events: { event: TaskfleetEvent; record: number }[] = [];
  const circuits: CircuitChange[] = [];
  records.forEach(({ change }, record) => {
    if (change.kind === 'task' || change.kind === 'job') for (const event of eventsOf(change)) events.push({ event, record });
    if (change.kind === 'circuit' && change.to !== undefined && change.to !== change.from) circuits.push({ pool: change.pool, to: change.to });
  });
  const failed = new Set<number>();

  const published = await deps.publisher.publish(events.map((e) => e.event));
  for (const i of published) failed.add(events[i]?.record ?? 0);

  // The first delivery's clock: a delivery again overwrites the same log items instead of adding more.
  const loggedAt = state?.openedAt ?? deps.now();
  const byTenant = new Map<string, { event: TaskfleetEvent; record: number }[]>();
  for (const e of events) byTenant.set(e.event.tenant, [...(byTenant.get(e.event.tenant) ?? []), e]);
  await Promise.all(
    [...byTenant].map(async ([tenant, list]) => {
      try {
        await fanOut(deps, tenant, list, failed);
        await deps.eventLog.append(tenant, list.map((e) => e.event), loggedAt);
      } catch (error) {
        deps.warn('events of a tenant not delivered; the batch resumes at them', { tenant, error: String(error) });
        for (const e of list) failed.add(e.record);
      }
    }),
  );

  if (deps.values !== undefined) await releaseAll(deps, deps.values, records, failed);
  deps.metrics.record(events.map((e) => e.event), circuits);
  if (deps.readyTenants !== undefined) await markReadyTenants(deps, deps.readyTenants, records);
  // Counts for /stats, last and only for records whose events all went out.
  const cut = failed.size === 0 ? records.length : Math.min(...failed);
  const changes = records.slice(0, cut).flatMap(({ change }) => (change.kind === 'task' ? [{ ...(change.old ? { before: change.old } : {}), ...(change.new ? { after: change.new } : {}) }] : []));
  const jobs = jobCountDeltas(changes);
  if (state !== undefined && batchId !== undefined && cut > 0) {
    // Counted with the batch's mark in one transaction: exactly once, however often the batch comes.
    try {
      const through = records[cut - 1]?.sequenceNumber ?? '';
      // The second half a bisection would retry is marked too when this count reaches it (a timeout after the counts).
      const half = batch[secondHalfOf(batch.length) ?? batch.length];
      const secondHalf = half?.eventId !== undefined && half.eventId !== '' && sequenceAtOrBefore(half.sequenceNumber, through) ? { batchId: half.eventId, openedAt: state.openedAt } : undefined;
      await deps.batches?.count(batchId, countDeltas(changes), counted, through, secondHalf, minuteDeltas(changes, deps.now()), jobs);
    } catch (error) {
      deps.warn('task counts not applied for a batch; it is read again', { error: String(error) });
      return { retryFrom: records[0]?.sequenceNumber ?? '' };
    }
    // Counted (now, or by an earlier delivery of these records): fan in. A crash before it is repaired by the sweep's job pass.
    if (jobs.size > 0 && deps.jobsCounted !== undefined) {
      await deps.jobsCounted([...jobs.values()].map(({ tenant, jobId }) => ({ tenant, jobId }))).catch((error: unknown) =>
        deps.warn("a job's fan-in after its children were counted failed; the sweep repeats it", { error: String(error) }),
      );
    }
  } else if (deps.counters !== undefined) {
    await recordCounts(deps.counters, changes).catch((error: unknown) => deps.warn('task counts not updated for a batch', { error: String(error) }));
    await deps.aggregates?.add(minuteDeltas(changes, deps.now())).catch((error: unknown) => deps.warn('minute aggregates not updated for a batch', { error: String(error) }));
  }
  if (failed.size === 0) return {};
  return { retryFrom: records[Math.min(...failed)]?.sequenceNumber ?? '' };
}

/** Objects of removed or re-pointed task records; a record whose delete failed is read again (an orphan would live for ever). */
async function releaseAll(deps: StreamConsumerDeps, values: ReleaseValuesDeps, records: readonly StreamRecord[], failed: Set<number>): Promise<void> {
  await Promise.all(
    records.map(async ({ change }, record) => {
      if (change.kind !== 'task' || releasedRefs(change.old, change.new).length === 0) return;
      try {
        await releaseValues(values, change.old, change.new);
      } catch (error) {
        deps.warn('values of a removed task not deleted; the record is read again', { error: String(error) });
        failed.add(record);
      }
    }),
  );
}

async function fanOut(deps: StreamConsumerDeps, tenant: string, list: readonly { event: TaskfleetEvent; record: number }[], failed: Set<number>): Promise<void> {
  const webhooks = await deps.webhooksOf(tenant);
  if (webhooks.length === 0) return;
  const firstAttemptAt = deps.now().toISOString();
  const messages: { message: DeliveryMessage; record: number }[] = [];
  for (const { event, record } of list) {
    for (const webhook of webhooks) {
      if (matchesEventType(webhook.events, event.type)) messages.push({ message: { tenant, webhookId: webhook.id, event, attempt: 1, firstAttemptAt }, record });
    }
  }
  const rejected = await deps.deliveries.send(messages.map((m) => m.message));
  for (const i of rejected) failed.add(messages[i]?.record ?? 0);
}

/** A task entering PENDING in an agent pool marks its tenant × pool; a failed mark is only logged (the next one repeats it). */
async function markReadyTenants(deps: StreamConsumerDeps, ready: NonNullable<StreamConsumerDeps['readyTenants']>, records: readonly StreamRecord[]): Promise<void> {
  const entries = new Map<string, { tenant: string; pool: string }>();
  for (const { change } of records) {
    const task = change.kind === 'task' ? change.new : undefined;
    if (task?.status === 'PENDING' && ready.agentPools.has(task.pool)) entries.set(`${task.pool}\u0000${task.tenant}`, { tenant: task.tenant, pool: task.pool });
  }
  if (entries.size === 0) return;
  await ready.marks.mark([...entries.values()], deps.now()).catch((error: unknown) => deps.warn('ready tenants not marked for a batch', { error: String(error) }));
}
