/**
 * The HTTP API: one Lambda per entry. The CDK stack makes a NodejsFunction and an
 * API Gateway route from each; the local runtime imports the same entry.
 */
export interface RouteSpec {
  /** API Gateway v2 route key. */
  readonly routeKey: string;
  /** Construct id of the function, PascalCase. */
  readonly functionName: string;
  /** Handler module, relative to the repo root; it exports `handler`. */
  readonly entry: string;
  /** false only for /health. */
  readonly authorized: boolean;
  /** What the function may do; the stack grants exactly this. */
  readonly access: {
    readonly table: 'read' | 'readwrite' | 'none';
    readonly sendToQueues: boolean;
    /** GetQueueAttributes on every work queue and DLQ (for /stats). */
    readonly readQueueStats?: boolean;
    /** Receive, ChangeMessageVisibility and Delete on the work queues of `runsOn: 'agents'` pools. */
    readonly consumeAgentQueues?: boolean;
    /** SendMessage on the DLQs of `runsOn: 'agents'` pools (a task that fails for good). */
    readonly sendToAgentDeadLetters?: boolean;
    /** Receive, ChangeMessageVisibility and Delete on every DLQ (/dlq). */
    readonly consumeDeadLetters?: boolean;
  };
  /** Lambda timeout. @default 10 */
  readonly timeoutSeconds?: number;
}

export const ROUTES: readonly RouteSpec[] = [
  {
    routeKey: 'GET /health',
    functionName: 'Health',
    entry: 'functions/health.ts',
    authorized: false,
    access: { table: 'none', sendToQueues: false },
  },
  {
    routeKey: 'POST /tasks',
    functionName: 'SubmitTask',
    entry: 'functions/submit-task.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: true },
  },
  {
    routeKey: 'POST /tasks/batch',
    functionName: 'SubmitBatch',
    entry: 'functions/submit-batch.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: true },
  },
  {
    routeKey: 'GET /tasks/{id}',
    functionName: 'GetTask',
    entry: 'functions/get-task.ts',
    authorized: true,
    access: { table: 'read', sendToQueues: false },
  },
  {
    routeKey: 'GET /tasks',
    functionName: 'ListTasks',
    entry: 'functions/list-tasks.ts',
    authorized: true,
    access: { table: 'read', sendToQueues: false },
  },
  {
    routeKey: 'DELETE /tasks/{id}',
    functionName: 'CancelTask',
    entry: 'functions/cancel-task.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false },
  },
  {
    routeKey: 'GET /stats',
    functionName: 'Stats',
    entry: 'functions/stats.ts',
    authorized: true,
    access: { table: 'read', sendToQueues: false, readQueueStats: true },
  },
  {
    routeKey: 'POST /workers',
    functionName: 'RegisterWorker',
    entry: 'functions/register-worker.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false },
  },
  {
    routeKey: 'POST /workers/{id}/heartbeat',
    functionName: 'WorkerHeartbeat',
    entry: 'functions/worker-heartbeat.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false },
  },
  {
    routeKey: 'POST /workers/{id}/lease',
    functionName: 'LeaseTasks',
    entry: 'functions/lease-tasks.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false, consumeAgentQueues: true, sendToAgentDeadLetters: true },
    // A long poll of up to 20 s, inside API Gateway's 30 s integration limit.
    timeoutSeconds: 28,
  },
  {
    routeKey: 'POST /tasks/{id}/heartbeat',
    functionName: 'HeartbeatTask',
    entry: 'functions/heartbeat-task.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false, consumeAgentQueues: true },
  },
  {
    routeKey: 'POST /tasks/{id}/progress',
    functionName: 'ReportProgress',
    entry: 'functions/report-progress.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false },
  },
  {
    routeKey: 'POST /tasks/{id}/complete',
    functionName: 'CompleteTask',
    entry: 'functions/complete-task.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false, consumeAgentQueues: true },
  },
  {
    routeKey: 'POST /tasks/{id}/fail',
    functionName: 'FailTask',
    entry: 'functions/fail-task.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false, consumeAgentQueues: true, sendToAgentDeadLetters: true },
  },
  {
    routeKey: 'POST /jobs',
    functionName: 'SubmitJob',
    entry: 'functions/submit-job.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: true },
    // Up to 10,000 children are written and enqueued in the request.
    timeoutSeconds: 29,
  },
  {
    routeKey: 'GET /jobs/{id}',
    functionName: 'GetJob',
    entry: 'functions/get-job.ts',
    authorized: true,
    access: { table: 'read', sendToQueues: false },
  },
  {
    routeKey: 'DELETE /jobs/{id}',
    functionName: 'CancelJob',
    entry: 'functions/cancel-job.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: true },
    timeoutSeconds: 29,
  },
  {
    routeKey: 'GET /dlq',
    functionName: 'ListDeadLetters',
    entry: 'functions/list-dead-letters.ts',
    authorized: true,
    access: { table: 'read', sendToQueues: false, consumeDeadLetters: true },
  },
  {
    routeKey: 'POST /dlq/redrive',
    functionName: 'RedriveDeadLetters',
    entry: 'functions/redrive-dead-letters.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: true, consumeDeadLetters: true },
    timeoutSeconds: 29,
  },
  {
    routeKey: 'POST /webhooks',
    functionName: 'CreateWebhook',
    entry: 'functions/create-webhook.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false },
  },
  {
    routeKey: 'GET /webhooks',
    functionName: 'ListWebhooks',
    entry: 'functions/list-webhooks.ts',
    authorized: true,
    access: { table: 'read', sendToQueues: false },
  },
  {
    routeKey: 'DELETE /webhooks/{id}',
    functionName: 'DeleteWebhook',
    entry: 'functions/delete-webhook.ts',
    authorized: true,
    access: { table: 'readwrite', sendToQueues: false },
  },
  {
    routeKey: 'GET /events',
    functionName: 'ListEvents',
    entry: 'functions/list-events.ts',
    authorized: true,
    access: { table: 'read', sendToQueues: false },
  },
];

/** Functions that are not behind a route. */
export const AUTHORIZER_ENTRY = 'functions/authorizer.ts';
/** The sweep: due timers (delays, deadlines, lapsed agent leases, next stages) and unfinished jobs; every minute on AWS. */
export const RECONCILER_ENTRY = 'functions/sweep.ts';
export const RECONCILE_EVERY_MINUTES = 1;

/**
 * The pool worker: one function per `runsOn: 'lambda'` pool from this entry, fed by its four
 * priority queues (event-source mappings with ReportBatchItemFailures and a
 * MaximumConcurrency per priority). It reads and writes the table, consumes its
 * pool's queues, and sends to their DLQs.
 */
export const WORKER_ENTRY = 'functions/worker.ts';
/** Env var telling a worker function which pool it serves. */
export const WORKER_POOL_ENV = 'POOL_NAME';
