/**
 * What the counted AWS clients did during a scenario, sized call by call
 * (`observeCalls` in shared/adapters/aws-call-counter.ts):
 * - DynamoDB read units. GetItem: ceil(item size / 4 KB), at least 1, halved unless
 *   ConsistentRead. Query and Scan: ceil(sum of returned item sizes / 4 KB), at
 *   least 1, halved unless ConsistentRead (approximate: AWS sizes the items read,
 *   before filters and projections). BatchGetItem: per item. TransactGetItems: per
 *   item, doubled.
 * - Which table keys a TransactWriteItems wrote, so the stream records of those
 *   writes count double; its ConditionCheck items count 2 units each (no stream record).
 * - SQS requests: one per call, and per 64 KB chunk of a send's bodies (a batch of
 *   ten 1 KB messages is one request). Calls of the local event-source mappings
 *   (Lambda's pollers on AWS, still billed as SQS requests) are kept apart.
 */
import type { CallCounter, ObservedCall } from '../../shared/adapters/aws-call-counter.js';
import { TABLE } from '../../shared/topology/table.js';
import { asItem, itemSize, type Item } from './item-size.js';

const KB4 = 4096;
const KB64 = 64 * 1024;

export const keyOf = (item: Item | undefined): string => `${String(item?.[TABLE.partitionKey]?.S)}\u0000${String(item?.[TABLE.sortKey]?.S)}`;

export class CallMeter {
  readUnits = 0;
  sqsRequests = 0;
  pollerRequests = 0;
  /** Receives of the pollers that came back empty: idle time, not work (on AWS a fixed cost per minute per queue). */
  emptyPolls = 0;
  conditionCheckUnits = 0;
  readonly calls = new Map<string, number>();
  /** Read units by what was read: the call, the index, and the key's shape (`<tenant>#agent#*`, `…#ready#*`). */
  readonly byRead = new Map<string, number>();
  /** Table keys written inside transactions, not yet matched to a stream record. */
  private readonly transactional = new Map<string, number>();
  private readonly unsubscribe: () => void;

  /** Meters the calls the stack's clients make (LocalStack.calls). */
  constructor(calls: CallCounter) {
    this.unsubscribe = calls.observe((call) => this.observe(call));
  }

  /** Whether a stream record of this key came from a transaction (consumes the mark). */
  takeTransactional(key: string): boolean {
    const n = this.transactional.get(key) ?? 0;
    if (n === 0) return false;
    if (n === 1) this.transactional.delete(key);
    else this.transactional.set(key, n - 1);
    return true;
  }

  stop(): void {
    this.unsubscribe();
  }

  private observe(call: ObservedCall): void {
    try {
      this.measure(call);
    } catch (error) {
      // A sizing bug must not fail the stack's own call; it shows in the figures' notes.
      this.errors.add(String(error));
    }
  }

  readonly errors = new Set<string>();

  private measure(call: ObservedCall): void {
    const name = `${call.label} ${call.command.replace(/Command$/, '')}`;
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    if (call.label === 'DynamoDB') this.dynamodb(call);
    else if (call.label.startsWith('SQS')) {
      const n = sqsRequests(call);
      const empty = call.command === 'ReceiveMessageCommand' && ((call.output as { Messages?: unknown[] } | undefined)?.Messages ?? []).length === 0;
      if (call.label === 'SQS') this.sqsRequests += n;
      else if (empty) this.emptyPolls += n;
      else this.pollerRequests += n;
    }
  }

  private dynamodb(call: ObservedCall): void {
    const input = (call.input ?? {}) as Record<string, unknown>;
    const output = (call.output ?? {}) as Record<string, unknown>;
    const factor = input.ConsistentRead === true ? 1 : 0.5;
    const read = (units: number, key: unknown): void => {
      this.readUnits += units;
      const what = `${call.command.replace(/Command$/, '')} ${typeof input.IndexName === 'string' ? `${input.IndexName} ` : ''}${keyShape(key)}`;
      this.byRead.set(what, (this.byRead.get(what) ?? 0) + units);
    };
    switch (call.command) {
      case 'GetItemCommand':
        read(Math.max(1, Math.ceil(itemSize(asItem(output.Item)) / KB4)) * factor, (input.Key as Item | undefined)?.[TABLE.partitionKey]?.S);
        break;
      case 'QueryCommand':
      case 'ScanCommand': {
        const size = ((output.Items ?? []) as unknown[]).reduce((n: number, i) => n + itemSize(asItem(i)), 0);
        const values = (input.ExpressionAttributeValues ?? {}) as Record<string, { S?: string }>;
        read(Math.max(1, Math.ceil(size / KB4)) * factor, values[':pk']?.S);
        break;
      }
      case 'BatchGetItemCommand': {
        const requested = (input.RequestItems ?? {}) as Record<string, { ConsistentRead?: boolean }>;
        for (const [table, items] of Object.entries((output.Responses ?? {}) as Record<string, unknown[]>)) {
          const f = requested[table]?.ConsistentRead === true ? 1 : 0.5;
          for (const item of items) read(Math.max(1, Math.ceil(itemSize(asItem(item)) / KB4)) * f, asItem(item)?.[TABLE.partitionKey]?.S);
        }
        break;
      }
      case 'TransactGetItemsCommand':
        for (const r of (output.Responses ?? []) as { Item?: unknown }[]) read(Math.max(1, Math.ceil(itemSize(asItem(r.Item)) / KB4)) * 2, asItem(r.Item)?.[TABLE.partitionKey]?.S);
        break;
      case 'TransactWriteItemsCommand':
        for (const t of (input.TransactItems ?? []) as Record<string, { Key?: unknown; Item?: unknown } | undefined>[]) {
          if (t.ConditionCheck !== undefined) this.conditionCheckUnits += 2;
          const write = t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key;
          if (write !== undefined) {
            const key = keyOf(asItem(write));
            this.transactional.set(key, (this.transactional.get(key) ?? 0) + 1);
          }
        }
        break;
    }
  }
}

/** A partition key with its tenant and ids left out: `cost-agent#agent#3f…` → `agent#*`. */
function keyShape(key: unknown): string {
  if (typeof key !== 'string') return '?';
  const parts = key.split('#');
  const kept = /^[A-Z]+$/.test(parts[0] ?? '') ? parts : parts.slice(1);
  // An id, a number, or a job child's id (`<job id>~<index>`, `<job id>~reduce`) is one shape.
  return kept.map((p) => (/^[0-9a-f-]{8,}(~[a-z0-9]+)?$|^\d+$/.test(p) ? '*' : p)).join('#');
}

function sqsRequests(call: ObservedCall): number {
  const input = (call.input ?? {}) as { MessageBody?: string; Entries?: { MessageBody?: string }[] };
  const bytes = (s: string | undefined): number => Buffer.byteLength(s ?? '', 'utf8');
  if (call.command === 'SendMessageCommand') return Math.max(1, Math.ceil(bytes(input.MessageBody) / KB64));
  if (call.command === 'SendMessageBatchCommand') {
    return Math.max(1, Math.ceil((input.Entries ?? []).reduce((n, e) => n + bytes(e.MessageBody), 0) / KB64));
  }
  return 1;
}
