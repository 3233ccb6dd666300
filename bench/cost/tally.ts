/** Turns one scenario's stream records and metered calls into per-task figures. */
import { itemKind } from '../../shared/adapters/dynamodb/stream-records.js';
import { TABLE } from '../../shared/topology/table.js';
import { itemSize, type Item } from './item-size.js';
import { keyOf, type CallMeter } from './meter.js';
import type { StreamRecord } from './stream.js';
import { indexWrites, tableUnits } from './write-units.js';

export interface Figures {
  readonly tasks: number;
  readonly records: number;
  readonly tableUnits: number;
  readonly indexUnits: Readonly<Record<string, number>>;
  readonly writeUnits: number;
  /** Of writeUnits, those of the table-stream consumer: `/stats` counters and minutes, and the event log (issue #14), not the task's own. */
  readonly streamConsumerUnits: number;
  readonly readUnits: number;
  readonly sqsRequests: number;
  readonly pollerRequests: number;
  readonly emptyPolls: number;
  readonly taskItemAvg: number;
  readonly taskItemMax: number;
  readonly hottest: { readonly key: string; readonly share: number };
  readonly calls: ReadonlyMap<string, number>;
  /** Write units by what was written: the item's kind and, for a task, its status change (`task PENDING→ACTIVE`). */
  readonly byWrite: ReadonlyMap<string, number>;
  /** Read units by what was read (see CallMeter.byRead). */
  readonly byRead: ReadonlyMap<string, number>;
  readonly errors: readonly string[];
}

/** Whether a stream record's keys are a task's (either layout; stream-records.ts knows which items are tasks). */
export function isTaskKeys(keys: Item | undefined): boolean {
  return itemKind({ [TABLE.partitionKey]: keys?.[TABLE.partitionKey]?.S, [TABLE.sortKey]: keys?.[TABLE.sortKey]?.S }) === 'task';
}

/** What a stream record wrote, for the breakdown: ids dropped, a task's status change kept. */
export function writeKind(keys: Item | undefined, oldImage: Item | undefined, newImage: Item | undefined): string {
  const pk = String(keys?.[TABLE.partitionKey]?.S);
  const sk = String(keys?.[TABLE.sortKey]?.S);
  if (isTaskKeys(keys)) return `task ${oldImage?.status?.S ?? '∅'}→${newImage?.status?.S ?? '∅'}`;
  const kind = pk.replace(/^[a-z0-9][a-z0-9-]*#/, '').replace(/#.*$/, '');
  if (kind === 'events' || kind === 'counts' || kind.startsWith('STREAMBATCH')) return kind;
  return `${kind} ${sk.split('#')[0]}`;
}

export function tally(tasks: number, records: readonly StreamRecord[], meter: CallMeter): Figures {
  let table = 0;
  const indexUnits: Record<string, number> = Object.fromEntries(Object.keys(TABLE.indexes).map((n) => [n, 0]));
  const byKey = new Map<string, number>();
  const add = (key: string, units: number): void => void byKey.set(key, (byKey.get(key) ?? 0) + units);
  const taskSizes = new Map<string, number>();
  let streamConsumer = 0;
  const byWrite = new Map<string, number>();
  for (const record of records) {
    const oldImage = record.dynamodb?.OldImage as Item | undefined;
    const newImage = record.dynamodb?.NewImage as Item | undefined;
    const keys = record.dynamodb?.Keys as Item | undefined;
    const units = tableUnits(oldImage, newImage, meter.takeTransactional(keyOf(keys)));
    table += units;
    if (writtenByStreamConsumer(String(keys?.[TABLE.partitionKey]?.S))) streamConsumer += units;
    add(`table ${String(keys?.[TABLE.partitionKey]?.S)}`, units);
    const kind = writeKind(keys, oldImage, newImage);
    byWrite.set(kind, (byWrite.get(kind) ?? 0) + units);
    for (const w of indexWrites(oldImage, newImage)) {
      byWrite.set(`${kind} [${w.index}]`, (byWrite.get(`${kind} [${w.index}]`) ?? 0) + w.units);
      indexUnits[w.index] = (indexUnits[w.index] ?? 0) + w.units;
      for (const p of w.partitions) add(`${w.index} ${p.key}`, p.units);
    }
    if (isTaskKeys(keys)) {
      const k = keyOf(keys);
      taskSizes.set(k, Math.max(taskSizes.get(k) ?? 0, itemSize(oldImage), itemSize(newImage)));
    }
  }
  table += meter.conditionCheckUnits;
  const indexTotal = Object.values(indexUnits).reduce((a, b) => a + b, 0);
  const writeUnits = table + indexTotal;
  let hottest = { key: '-', share: 0 };
  for (const [key, units] of byKey) if (units / writeUnits > hottest.share) hottest = { key, share: units / writeUnits };
  const sizes = [...taskSizes.values()];
  return {
    tasks,
    records: records.length,
    tableUnits: table,
    indexUnits,
    writeUnits,
    streamConsumerUnits: streamConsumer,
    readUnits: meter.readUnits,
    sqsRequests: meter.sqsRequests,
    pollerRequests: meter.pollerRequests,
    emptyPolls: meter.emptyPolls,
    taskItemAvg: sizes.length === 0 ? 0 : sizes.reduce((a, b) => a + b, 0) / sizes.length,
    taskItemMax: sizes.length === 0 ? 0 : Math.max(...sizes),
    hottest,
    calls: meter.calls,
    byWrite,
    byRead: meter.byRead,
    errors: [...meter.errors],
  };
}

/** `<tenant>#counts`, `<tenant>#minutes`, `<tenant>#events#…` and `STREAMBATCH#…` (a batch's once-only mark): the items only the table-stream consumer writes. */
const writtenByStreamConsumer = (partitionKey: string): boolean => /^([^#]+#(counts|minutes|events)(#|$)|STREAMBATCH#)/.test(partitionKey);

/** us-east-1 on-demand list prices, as of the date printed with them. */
export const PRICES = {
  asOf: '2026-11 (aws.amazon.com/dynamodb/pricing/on-demand, aws.amazon.com/sqs/pricing)',
  writeRequestUnit: 0.625 / 1e6,
  readRequestUnit: 0.125 / 1e6,
  sqsRequest: 0.4 / 1e6,
} as const;

/**
 * us-east-1 provisioned-capacity list prices, per capacity unit-hour. A unit
 * sustains one write (≤ 1 KB) or one strongly consistent read (≤ 4 KB) per second;
 * autoscaling keeps a table near its target utilisation, so a unit-hour carries
 * `3600 × targetUtilisation` requests. Only meaningful for steady load.
 */
export const PROVISIONED = {
  asOf: '2026-11 (aws.amazon.com/dynamodb/pricing/provisioned)',
  writeCapacityUnitHour: 0.00065,
  readCapacityUnitHour: 0.00013,
  targetUtilisation: 0.7,
} as const;

/** The same figures priced for a provisioned table at its autoscaling target (SQS unchanged). */
export function provisionedDollarsPerMillion(f: Figures): number {
  const perRequestHour = 3600 * PROVISIONED.targetUtilisation;
  const write = PROVISIONED.writeCapacityUnitHour / perRequestHour;
  const read = PROVISIONED.readCapacityUnitHour / perRequestHour;
  const perTask = (f.writeUnits * write + f.readUnits * read + (f.sqsRequests + f.pollerRequests) * PRICES.sqsRequest) / f.tasks;
  return perTask * 1e6;
}

export function dollarsPerMillion(f: Figures): number {
  const perTask = (f.writeUnits * PRICES.writeRequestUnit + f.readUnits * PRICES.readRequestUnit + (f.sqsRequests + f.pollerRequests) * PRICES.sqsRequest) / f.tasks;
  return perTask * 1e6;
}
