import type { ValueRef } from '../domain/task.js';

/**
 * Payloads and results above the inline limit, kept beside the task record (an S3
 * bucket on AWS, fauxqs locally). Keys start with the tenant, like every table key.
 */
export interface ValueStore {
  /** Stores `json` (serialized) as the task's `name`; the ref goes into the record. */
  put(tenant: string, taskId: string, name: 'payload' | 'result', json: string): Promise<ValueRef>;
  /** The serialized JSON behind a ref. */
  get(ref: ValueRef): Promise<string>;
  /** Removes the object behind a ref that no record points to (a refused write's). Repeatable. */
  delete(ref: ValueRef): Promise<void>;
}
