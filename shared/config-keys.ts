/**
 * Environment variables the functions read. The CDK stack sets them on every
 * function; the local runtime sets them on its own process before it imports
 * the handlers. Keep them few and short: Lambda refuses a function whose
 * variables exceed 4 KB in total (test/infra/environment-size.test.ts).
 */
export const ENV = {
  /** The task table's name. */
  tableName: 'TABLE_NAME',
  /**
   * What every queue URL starts with, e.g. `https://sqs.<region>.amazonaws.com/<account>/Taskfleet-`:
   * a queue's URL is this plus its topology name (`general-high`, `general-high-dlq`).
   */
  queueUrlPrefix: 'QUEUE_URL_PREFIX',
  /** The bucket of payloads and results above the inline limit. */
  valuesBucket: 'VALUES_BUCKET',
} as const;
