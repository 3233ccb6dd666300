/**
 * Environment variables the functions read. The CDK stack sets them on every
 * function; the local runtime sets them on its own process before it imports
 * the handlers.
 */
export const ENV = {
  /** The task table's name. */
  tableName: 'TABLE_NAME',
  /** JSON object: `"<pool>:<priority>"` → work queue URL. */
  queueUrls: 'QUEUE_URLS',
  /** JSON object: `"<pool>:<priority>"` → that queue's DLQ URL. */
  dlqUrls: 'DLQ_URLS',
  /** The bucket of payloads and results above the inline limit. */
  valuesBucket: 'VALUES_BUCKET',
} as const;
