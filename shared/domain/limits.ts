/** SQS delays a message at most this long: the furthest ahead anything rides on a queue. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/** Limits of a submission; the API's 4xx answers quote them. */
export const LIMITS = {
  /** Serialized JSON. Above `inlineBytes` a payload lives in the values bucket (S3), so an item never nears 400 KB. */
  payloadBytes: 5 * 1024 * 1024,
  resultBytes: 5 * 1024 * 1024,
  /** Payloads and results up to this size stay in the task record. */
  inlineBytes: 8 * 1024,
  /** A job item is written inline with its child in a bulk write: it must fit an item. */
  jobItemBytes: 256 * 1024,
  batchItems: 500,
  maxAttempts: 100,
  /**
   * A year. Up to SQS's 900 s a Lambda-pool task waits on its queue; longer, it
   * waits in the table (a `delay` timer) and the sweep queues it for its last 15 minutes.
   */
  delaySeconds: 365 * 24 * 3600,
  /**
   * 12 hours: the longest one lease term may be. Agent leases live in the table
   * and each heartbeat renews the term, so a task may run longer; Lambda pools
   * cap it lower, at their worker's timeout.
   */
  timeoutSeconds: 43_200,
  requires: 20,
  /** Tasks of one concurrency key running at once. */
  concurrencyLimit: 1000,
  listPageSize: 100,
} as const;

export const TASK_DEFAULTS = {
  maxAttempts: 3,
  timeoutSeconds: 300,
  delaySeconds: 0,
  /** At most one task of a concurrency key runs at once unless the task says more (Hatchet's and BullMQ's groups start at 1 too). */
  concurrencyLimit: 1,
} as const;

/** Bytes of a value once serialized as JSON (UTF-8). */
export function jsonByteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').byteLength;
}

/** A synchronous Lambda invoke takes at most 6 MB of request (API Gateway itself allows 10 MB). */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
