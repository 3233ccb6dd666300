import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CircuitStatus } from '../../domain/circuit-breaker.js';
import type { DecodedRecord } from '../../domain/events.js';
import { TABLE } from '../../topology/table.js';
import { fromJobItem } from './dynamodb-job-store.js';
import { fromTaskItem, LEGACY_TASK_SK, LISTED_TASK_SK_PREFIX } from './task-item.js';

/**
 * THE ONE PLACE that knows which table items are tasks, jobs and circuits, for the
 * stream consumer. A task is `<tenant>#tasks#<nn>` / `task#<id>`, or, written before
 * the table listed tasks, `<tenant>#task#<id>` / `task` (task-item.ts): when the layout
 * changes, adapt `itemKind` and the filter patterns below, nothing else.
 * Images are decoded only by the stores' own decoders (`fromTaskItem`, `fromJobItem`).
 */
export type ItemKind = 'task' | 'job' | 'circuit' | 'other';

export function itemKind(item: Record<string, unknown>): ItemKind {
  const pk = String(item[TABLE.partitionKey] ?? '');
  const sk = String(item[TABLE.sortKey] ?? '');
  if (sk.startsWith(LISTED_TASK_SK_PREFIX) && /^[a-z0-9][a-z0-9-]*#tasks#\d+$/.test(pk)) return 'task';
  if (sk === LEGACY_TASK_SK && /^[a-z0-9][a-z0-9-]*#task#/.test(pk)) return 'task';
  if (sk === 'job' && /^[a-z0-9][a-z0-9-]*#job#/.test(pk)) return 'job';
  if (pk.startsWith('CIRCUIT#')) return 'circuit';
  return 'other';
}

/**
 * Lambda event-source-mapping filter patterns (at most 5): only records that can make
 * an event or a metric invoke the consumer. Heartbeats and progress (an ACTIVE task
 * staying ACTIVE) are the bulk of writes and are filtered out here; a filter cannot
 * compare the two images, so any other same-status write still invokes and is dropped
 * by `eventsOf`.
 */
const TASK_SK_PATTERN = [LEGACY_TASK_SK, { prefix: LISTED_TASK_SK_PREFIX }];

export const STREAM_FILTER_PATTERNS: readonly object[] = [
  // Created, retried, finished tasks and every job transition: the new status is not ACTIVE.
  {
    eventName: ['INSERT', 'MODIFY'],
    dynamodb: {
      NewImage: {
        [TABLE.sortKey]: { S: [...TASK_SK_PATTERN, 'job'] },
        status: { S: ['PENDING', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED', 'RUNNING', 'REDUCING'] },
      },
    },
  },
  // Started: PENDING → ACTIVE (or created ACTIVE).
  { eventName: ['MODIFY'], dynamodb: { NewImage: { [TABLE.sortKey]: { S: TASK_SK_PATTERN }, status: { S: ['ACTIVE'] } }, OldImage: { status: { S: ['PENDING'] } } } },
  // A task deleted by TTL leaves the /stats counts.
  { eventName: ['REMOVE'], dynamodb: { OldImage: { [TABLE.sortKey]: { S: TASK_SK_PATTERN } } } },
  // Circuit state changes, for the metric.
  { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { [TABLE.sortKey]: { S: [{ prefix: 'CIRCUIT#' }] } } } },
];

type Image = Record<string, AttributeValue> | undefined;

/** A stream record's images (DynamoDB JSON, as Lambda and DynamoDB Streams give them) → a change. */
export function decodeStreamRecord(oldImage: Image, newImage: Image): DecodedRecord {
  // Only the keys decide what an item is: records of other items (agents, counters,
  // schedules) are skipped before their images are decoded.
  const keys = newImage ?? oldImage ?? {};
  const raw = { [TABLE.partitionKey]: keys[TABLE.partitionKey]?.S, [TABLE.sortKey]: keys[TABLE.sortKey]?.S };
  if (itemKind(raw) === 'other') return { kind: 'other' };
  const before = oldImage === undefined ? undefined : unmarshall(oldImage);
  const after = newImage === undefined ? undefined : unmarshall(newImage);
  const kind = itemKind(after ?? before ?? {});
  switch (kind) {
    case 'task':
      return { kind, ...(before !== undefined ? { old: fromTaskItem(before) } : {}), ...(after !== undefined ? { new: fromTaskItem(after) } : {}) };
    case 'job':
      return { kind, ...(before !== undefined ? { old: fromJobItem(before) } : {}), ...(after !== undefined ? { new: fromJobItem(after) } : {}) };
    case 'circuit':
      return {
        kind,
        pool: String((after ?? before)?.pool ?? String((after ?? before)?.[TABLE.partitionKey]).replace(/^CIRCUIT#/, '')),
        ...(before?.status !== undefined ? { from: before.status as CircuitStatus } : {}),
        ...(after?.status !== undefined ? { to: after.status as CircuitStatus } : {}),
      };
    default:
      return { kind: 'other' };
  }
}
