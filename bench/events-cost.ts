/**
 * What events cost per task (issue #14), from a cost scenario's own run on the local
 * stack: the table stream's records (which ones pass the consumer's filter), the
 * consumer's invocations as the local poller ran them (records, milliseconds), the
 * SNS PublishBatch calls sized by payload, and the event-log and `/stats` counter
 * writes found in the stream. Priced at us-east-1 list prices. What is free, and
 * what is modelled rather than measured, is printed with the table.
 */
import type { CallCounter, ObservedCall } from '../shared/adapters/aws-call-counter.js';
import { STREAM_FILTER_PATTERNS } from '../shared/adapters/dynamodb/stream-records.js';
import { customMetricCount, operatorAlarmCount } from '../shared/topology/alarms.js';
import { DELIVERY_BATCH_SIZE, EVENTS_FUNCTION_MEMORY_MB, STREAM_BATCH_SIZE } from '../shared/topology/events.js';
import { TABLE } from '../shared/topology/table.js';
import type { Topology } from '../shared/topology/topology.js';
import type { StreamInvocation } from '../local/stream-poller.js';
import type { LocalStack } from '../local/runtime.js';
import { matchesAnyFilter } from './events/filter.js';
import type { Item } from './cost/item-size.js';
import type { StreamRecord } from './cost/stream.js';
import { tableUnits } from './cost/write-units.js';

/** us-east-1 list prices (arm64 Lambda), as of the date printed with them. */
export const EVENT_PRICES = {
  asOf: '2026-11 (aws.amazon.com/lambda/pricing, /sns/pricing, /cloudwatch/pricing, /dynamodb/pricing/on-demand, /sqs/pricing)',
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  snsRequest: 0.5 / 1e6,
  writeRequestUnit: 0.625 / 1e6,
  sqsRequest: 0.4 / 1e6,
  alarmMonth: 0.1,
  dashboardMonth: 3,
  metricMonth: 0.3,
} as const;

const KB64 = 64 * 1024;

/** Counts the consumer's invocations and its SNS requests while a scenario runs. */
export class EventsMeter {
  readonly invocations: StreamInvocation[] = [];
  /** SNS requests as billed: each 64 KiB of a PublishBatch's payload is one request. */
  snsRequests = 0;
  snsMessages = 0;
  /** Delivery messages the consumer queued (only when the scenario has webhooks). */
  deliveries = 0;
  private readonly stops: (() => void)[];

  private readonly deliveryQueueUrl: string | undefined;

  /** Meters the stack's stream consumer and its clients' calls. */
  constructor(stack: { readonly calls: CallCounter; readonly events?: LocalStack['events'] }) {
    this.deliveryQueueUrl = stack.events?.deliveryQueueUrl;
    this.stops = [stack.events?.observeStreamInvocations((i) => this.invocations.push(i)) ?? (() => undefined), stack.calls.observe((call) => this.observe(call))];
  }

  stop(): void {
    for (const stop of this.stops) stop();
  }

  private observe(call: ObservedCall): void {
    if (call.label === 'SNS' && call.command === 'PublishBatchCommand') {
      const entries = (call.input as { PublishBatchRequestEntries?: { Message?: string; MessageAttributes?: Record<string, { StringValue?: string }> }[] }).PublishBatchRequestEntries ?? [];
      const bytes = entries.reduce(
        (n, e) => n + Buffer.byteLength(e.Message ?? '') + Object.entries(e.MessageAttributes ?? {}).reduce((m, [k, v]) => m + k.length + Buffer.byteLength(v.StringValue ?? ''), 0),
        0,
      );
      this.snsRequests += Math.max(1, Math.ceil(bytes / KB64));
      this.snsMessages += entries.length;
    }
    const input = call.input as { QueueUrl?: string; Entries?: unknown[] } | undefined;
    if (call.label === 'SQS' && call.command === 'SendMessageBatchCommand' && input?.QueueUrl === this.deliveryQueueUrl) this.deliveries += input?.Entries?.length ?? 0;
  }
}

export interface EventsFigures {
  readonly tasks: number;
  /** Stream records per task, and those the mapping's filter lets through to Lambda. */
  readonly recordsPerTask: number;
  readonly matchingPerTask: number;
  readonly invocations: number;
  /** Consumer duration fitted as `fixedMs + perRecordMs × records` over the local invocations. */
  readonly fixedMs: number;
  readonly perRecordMs: number;
  readonly snsRequestsPerTask: number;
  readonly eventsPerTask: number;
  readonly eventLogUnitsPerTask: number;
  readonly counterUnitsPerTask: number;
  readonly deliveriesPerTask: number;
  /** $ per million tasks: full batches (under load) and one record per invocation (thin traffic). */
  readonly lambdaLoaded: number;
  readonly lambdaThin: number;
  readonly sns: number;
  readonly eventLog: number;
  readonly counters: number;
}

export function eventsCost(tasks: number, records: readonly StreamRecord[], meter: EventsMeter): EventsFigures {
  const matching = records.filter((r) => matchesAnyFilter(STREAM_FILTER_PATTERNS, r)).length;
  let eventLogUnits = 0;
  let counterUnits = 0;
  for (const r of records) {
    const pk = String(r.dynamodb?.Keys?.[TABLE.partitionKey]?.S ?? '');
    const units = (): number => tableUnits(r.dynamodb?.OldImage as Item | undefined, r.dynamodb?.NewImage as Item | undefined, false);
    if (/^[a-z0-9][a-z0-9-]*#events#/.test(pk)) eventLogUnits += units();
    else if (/^[a-z0-9][a-z0-9-]*#counts$/.test(pk)) counterUnits += units();
  }
  const { fixedMs, perRecordMs } = fitDuration(meter.invocations);
  const gbSeconds = (ms: number): number => (Math.ceil(ms) / 1000) * (EVENTS_FUNCTION_MEMORY_MB / 1024);
  const perMillion = (perTask: number): number => perTask * 1e6;
  const m = matching / tasks;
  const loadedBatches = m / STREAM_BATCH_SIZE;
  return {
    tasks,
    recordsPerTask: records.length / tasks,
    matchingPerTask: m,
    invocations: meter.invocations.length,
    fixedMs,
    perRecordMs,
    snsRequestsPerTask: meter.snsRequests / tasks,
    eventsPerTask: meter.snsMessages / tasks,
    eventLogUnitsPerTask: eventLogUnits / tasks,
    counterUnitsPerTask: counterUnits / tasks,
    deliveriesPerTask: meter.deliveries / tasks,
    lambdaLoaded: perMillion(loadedBatches * (EVENT_PRICES.lambdaRequest + gbSeconds(fixedMs + STREAM_BATCH_SIZE * perRecordMs) * EVENT_PRICES.lambdaGbSecond)),
    lambdaThin: perMillion(m * (EVENT_PRICES.lambdaRequest + gbSeconds(fixedMs + perRecordMs) * EVENT_PRICES.lambdaGbSecond)),
    sns: perMillion((meter.snsRequests / tasks) * EVENT_PRICES.snsRequest),
    eventLog: perMillion((eventLogUnits / tasks) * EVENT_PRICES.writeRequestUnit),
    counters: perMillion((counterUnits / tasks) * EVENT_PRICES.writeRequestUnit),
  };
}

/** Least squares of ms over records per invocation; a fixed part only when batch sizes vary enough to tell it apart. */
export function fitDuration(invocations: readonly StreamInvocation[]): { fixedMs: number; perRecordMs: number } {
  const n = invocations.length;
  if (n === 0) return { fixedMs: 0, perRecordMs: 0 };
  const mx = invocations.reduce((s, i) => s + i.records, 0) / n;
  const my = invocations.reduce((s, i) => s + i.ms, 0) / n;
  const sxx = invocations.reduce((s, i) => s + (i.records - mx) ** 2, 0);
  const sxy = invocations.reduce((s, i) => s + (i.records - mx) * (i.ms - my), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  if (sxx === 0 || slope <= 0 || my - slope * mx < 0) return { fixedMs: 0, perRecordMs: mx > 0 ? my / mx : 0 };
  return { fixedMs: my - slope * mx, perRecordMs: slope };
}

/** One webhook delivery, modelled from the configuration (no cost scenario registers a webhook). */
export function perDeliveryDollars(httpMs = 200): { sqs: number; lambda: number } {
  // The consumer sends in batches of 10; Lambda's poller receives and deletes in batches of DELIVERY_BATCH_SIZE.
  const sqsRequests = 1 / 10 + 2 / DELIVERY_BATCH_SIZE;
  const invocations = 1 / DELIVERY_BATCH_SIZE;
  // A batch's deliveries run concurrently: one invocation lasts about one HTTP call.
  const gbSeconds = invocations * (httpMs / 1000) * (EVENTS_FUNCTION_MEMORY_MB / 1024);
  return { sqs: sqsRequests * EVENT_PRICES.sqsRequest, lambda: invocations * EVENT_PRICES.lambdaRequest + gbSeconds * EVENT_PRICES.lambdaGbSecond };
}

export function printEventsCost(rows: readonly { name: string; figures: EventsFigures }[], topology: Topology): void {
  const f2 = (v: number): string => v.toFixed(2);
  const header = ['scenario', 'records/task', 'to Lambda', 'events', 'SNS req', 'log WU', 'count WU', 'Lambda $/M (load / thin)', 'SNS $/M', 'log $/M', 'counts $/M', 'total $/M'];
  const table = rows.map(({ name, figures: f }) => [
    name,
    f2(f.recordsPerTask),
    f2(f.matchingPerTask),
    f2(f.eventsPerTask),
    f2(f.snsRequestsPerTask),
    f2(f.eventLogUnitsPerTask),
    f2(f.counterUnitsPerTask),
    `$${f2(f.lambdaLoaded)} / $${f2(f.lambdaThin)}`,
    `$${f2(f.sns)}`,
    `$${f2(f.eventLog)}`,
    `$${f2(f.counters)}`,
    `$${f2(f.lambdaLoaded + f.sns + f.eventLog + f.counters)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
  console.log('\ntaskfleet events cost per task — the same runs, the stream consumer measured (issue #14)');
  console.log(`  prices: ${EVENT_PRICES.asOf}: Lambda arm64 $0.20/M requests + $${EVENT_PRICES.lambdaGbSecond}/GB-s; SNS $0.50/M requests (64 KiB each); DynamoDB $0.625/M WU`);
  console.log(line(header));
  for (const row of table) console.log(line(row));
  for (const { name, figures: f } of rows) {
    console.log(
      `    ${name.padEnd(22)} consumer: ${f.invocations} local invocations, fitted ${f2(f.fixedMs)} ms + ${f2(f.perRecordMs)} ms/record at ${EVENTS_FUNCTION_MEMORY_MB} MB; ` +
        `on AWS ${f2(f.matchingPerTask / STREAM_BATCH_SIZE)} invocations/task in full batches of ${STREAM_BATCH_SIZE}, ${f2(f.matchingPerTask)} at one record each`,
    );
  }
  const d = perDeliveryDollars();
  const alarms = operatorAlarmCount(topology);
  const metrics = customMetricCount(topology);
  console.log('  Free: reading the stream (Lambda\'s GetRecords on a trigger), event filtering, SNS → SQS deliveries, TTL deletes of the event log.');
  console.log('  Billed above: consumer invocations + duration (duration measured on this machine, slower than Lambda: an upper bound), SNS PublishBatch');
  console.log('  by 64 KiB, the event log (GET /events) and /stats counter writes (the events column of the task table above, priced here).');
  console.log(
    `  Per webhook delivery (modelled, no scenario registers one): SQS $${f2(d.sqs * 1e6)}/M (send, receive, delete in 10s) + Lambda $${f2(d.lambda * 1e6)}/M at a 200 ms HTTP call; ` +
      'plus data transfer out (~$0.09/GB).',
  );
  console.log(
    `  Fixed per month: ${alarms} alarms × $${EVENT_PRICES.alarmMonth} = $${f2(alarms * EVENT_PRICES.alarmMonth)}, one dashboard $${EVENT_PRICES.dashboardMonth}, ` +
      `up to ${metrics} custom metrics × $${EVENT_PRICES.metricMonth} = $${f2(metrics * EVENT_PRICES.metricMonth)} (only those emitted are billed); EMF log ingestion is cents per million tasks.`,
  );
}
