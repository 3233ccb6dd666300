import {
  access,
  createsJobs,
  createsTasks,
  deadLettersAgentTasks,
  enqueuesTasks,
  followsThrough,
  keepsAgents,
  listsAgents,
  queriesIndexes,
  readsDeadLetters,
  readsItems,
  readsManyTasks,
  readsQueueDepths,
  readsTokens,
  limitsTenantRequests,
  readsValues,
  changesSchedules,
  createsSchedules,
  createsWebhooks,
  deletesSchedules,
  deletesWebhooks,
  getsItems,
  listsRateLimits,
  listsSchedules,
  listsWebhooks,
  listsWebhookDeliveries,
  redeliversWebhooks,
  rotatesWebhookSecrets,
  runsSchedules,
  queriesPartitions,
  keepsRateLimits,
  removesRateLimits,
  ticksSchedules,
  sweeps,
  removesDeadLetters,
  runsPoolWorker,
  transitionsTasks,
  consumesStream,
  deliversWebhooks,
  pollsDeliveries,
  pollsOwnQueues,
  readsTableStream,
  type Access,
} from './access.js';

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
  /** false only for /health, /openapi.json and the dashboard's static files. */
  readonly authorized: boolean;
  /**
   * The AWS actions its code path calls (see access.ts); the stack grants exactly
   * this and test/infra/iam-coverage.test.ts checks it both ways.
   */
  readonly access: Access;
  /** Lambda timeout. @default 10 */
  readonly timeoutSeconds?: number;
}

export const ROUTES: readonly RouteSpec[] = [
  {
    routeKey: 'GET /health',
    functionName: 'Health',
    entry: 'functions/health.ts',
    authorized: false,
    access: {},
  },
  // The API's OpenAPI document, public like /health (it holds no data).
  {
    routeKey: 'GET /openapi.json',
    functionName: 'OpenApi',
    entry: 'functions/openapi.ts',
    authorized: false,
    access: {},
  },
  {
    routeKey: 'POST /tasks',
    functionName: 'SubmitTask',
    entry: 'functions/submit-task.ts',
    authorized: true,
    access: createsTasks,
  },
  {
    routeKey: 'POST /tasks/batch',
    functionName: 'SubmitBatch',
    entry: 'functions/submit-batch.ts',
    authorized: true,
    access: createsTasks,
  },
  {
    routeKey: 'GET /tasks/{id}',
    functionName: 'GetTask',
    entry: 'functions/get-task.ts',
    authorized: true,
    access: access(getsItems, readsValues),
  },
  {
    routeKey: 'GET /tasks',
    functionName: 'ListTasks',
    entry: 'functions/list-tasks.ts',
    authorized: true,
    access: access(queriesPartitions, queriesIndexes, readsManyTasks),
  },
  {
    routeKey: 'DELETE /tasks/{id}',
    functionName: 'CancelTask',
    entry: 'functions/cancel-task.ts',
    authorized: true,
    access: followsThrough,
  },
  {
    routeKey: 'GET /stats',
    functionName: 'Stats',
    entry: 'functions/stats.ts',
    authorized: true,
    access: access(queriesPartitions, listsAgents, readsQueueDepths),
  },
  {
    routeKey: 'POST /workers',
    functionName: 'RegisterWorker',
    entry: 'functions/register-worker.ts',
    authorized: true,
    access: { table: ['dynamodb:PutItem'] },
  },
  {
    routeKey: 'POST /workers/{id}/heartbeat',
    functionName: 'WorkerHeartbeat',
    entry: 'functions/worker-heartbeat.ts',
    authorized: true,
    access: access(keepsAgents, followsThrough, deadLettersAgentTasks),
  },
  {
    routeKey: 'POST /workers/{id}/lease',
    functionName: 'LeaseTasks',
    entry: 'functions/lease-tasks.ts',
    authorized: true,
    access: access(keepsAgents, followsThrough, deadLettersAgentTasks),
    // A long poll of up to 20 s, inside API Gateway's 30 s integration limit.
    timeoutSeconds: 28,
  },
  {
    routeKey: 'POST /tasks/{id}/heartbeat',
    functionName: 'HeartbeatTask',
    entry: 'functions/heartbeat-task.ts',
    authorized: true,
    access: access(keepsAgents, transitionsTasks, readsItems, readsManyTasks, deadLettersAgentTasks),
  },
  {
    routeKey: 'POST /tasks/{id}/progress',
    functionName: 'ReportProgress',
    entry: 'functions/report-progress.ts',
    authorized: true,
    access: access(transitionsTasks, readsItems, readsManyTasks, deadLettersAgentTasks),
  },
  {
    routeKey: 'POST /tasks/{id}/complete',
    functionName: 'CompleteTask',
    entry: 'functions/complete-task.ts',
    authorized: true,
    access: access(keepsAgents, followsThrough),
  },
  {
    routeKey: 'POST /tasks/{id}/fail',
    functionName: 'FailTask',
    entry: 'functions/fail-task.ts',
    authorized: true,
    access: access(keepsAgents, followsThrough, deadLettersAgentTasks),
  },
  {
    routeKey: 'POST /jobs',
    functionName: 'SubmitJob',
    entry: 'functions/submit-job.ts',
    authorized: true,
    access: createsJobs,
    // Up to 10,000 children are written and enqueued in the request.
    timeoutSeconds: 29,
  },
  {
    routeKey: 'GET /jobs/{id}',
    functionName: 'GetJob',
    entry: 'functions/get-job.ts',
    authorized: true,
    access: access(readsItems, readsManyTasks, readsValues),
  },
  {
    routeKey: 'DELETE /jobs/{id}',
    functionName: 'CancelJob',
    entry: 'functions/cancel-job.ts',
    authorized: true,
    // It answers with the job as GET /jobs/{id} shows it, a large result read from the values bucket.
    access: access(followsThrough, readsValues),
    timeoutSeconds: 29,
  },
  {
    routeKey: 'GET /dlq',
    functionName: 'ListDeadLetters',
    entry: 'functions/list-dead-letters.ts',
    authorized: true,
    access: readsDeadLetters,
  },
  {
    routeKey: 'POST /dlq/redrive',
    functionName: 'RedriveDeadLetters',
    entry: 'functions/redrive-dead-letters.ts',
    authorized: true,
    access: access(readsItems, readsManyTasks, transitionsTasks, enqueuesTasks, readsDeadLetters, removesDeadLetters),
    timeoutSeconds: 29,
  },
  {
    routeKey: 'GET /jobs',
    functionName: 'ListJobs',
    entry: 'functions/list-jobs.ts',
    authorized: true,
    access: access(queriesIndexes, readsItems),
  },
  {
    routeKey: 'GET /workers',
    functionName: 'ListWorkers',
    entry: 'functions/list-workers.ts',
    authorized: true,
    access: listsAgents,
  },
  {
    routeKey: 'GET /workers/{id}',
    functionName: 'GetWorker',
    entry: 'functions/get-worker.ts',
    authorized: true,
    access: getsItems,
  },
  // The dashboard: a static page and its assets, public because they hold no
  // data; every figure it shows comes from the API calls above, with a token.
  {
    routeKey: 'GET /ui',
    functionName: 'Ui',
    entry: 'functions/ui.ts',
    authorized: false,
    access: {},
  },
  {
    routeKey: 'GET /ui/{asset}',
    functionName: 'UiAsset',
    entry: 'functions/ui.ts',
    authorized: false,
    access: {},
  },
  {
    routeKey: 'POST /schedules',
    functionName: 'CreateSchedule',
    entry: 'functions/create-schedule.ts',
    authorized: true,
    access: access(createsSchedules, listsAgents),
  },
  {
    routeKey: 'GET /schedules',
    functionName: 'ListSchedules',
    entry: 'functions/list-schedules.ts',
    authorized: true,
    access: listsSchedules,
  },
  {
    routeKey: 'GET /schedules/{id}',
    functionName: 'GetSchedule',
    entry: 'functions/get-schedule.ts',
    authorized: true,
    access: getsItems,
  },
  {
    routeKey: 'DELETE /schedules/{id}',
    functionName: 'DeleteSchedule',
    entry: 'functions/delete-schedule.ts',
    authorized: true,
    access: deletesSchedules,
  },
  {
    routeKey: 'POST /schedules/{id}/pause',
    functionName: 'PauseSchedule',
    entry: 'functions/pause-schedule.ts',
    authorized: true,
    access: changesSchedules,
  },
  {
    routeKey: 'POST /schedules/{id}/resume',
    functionName: 'ResumeSchedule',
    entry: 'functions/resume-schedule.ts',
    authorized: true,
    access: changesSchedules,
  },
  {
    routeKey: 'POST /schedules/{id}/run',
    functionName: 'RunSchedule',
    entry: 'functions/run-schedule.ts',
    authorized: true,
    access: runsSchedules,
  },
  {
    routeKey: 'POST /webhooks',
    functionName: 'CreateWebhook',
    entry: 'functions/create-webhook.ts',
    authorized: true,
    access: createsWebhooks,
  },
  {
    routeKey: 'GET /webhooks',
    functionName: 'ListWebhooks',
    entry: 'functions/list-webhooks.ts',
    authorized: true,
    access: listsWebhooks,
  },
  {
    routeKey: 'DELETE /webhooks/{id}',
    functionName: 'DeleteWebhook',
    entry: 'functions/delete-webhook.ts',
    authorized: true,
    access: deletesWebhooks,
  },
  {
    routeKey: 'GET /webhooks/{id}/deliveries',
    functionName: 'ListWebhookDeliveries',
    entry: 'functions/list-webhook-deliveries.ts',
    authorized: true,
    access: listsWebhookDeliveries,
  },
  {
    routeKey: 'POST /webhooks/{id}/deliveries/{deliveryId}/redeliver',
    functionName: 'RedeliverWebhook',
    entry: 'functions/redeliver-webhook.ts',
    authorized: true,
    access: redeliversWebhooks,
  },
  {
    routeKey: 'POST /webhooks/{id}/rotate-secret',
    functionName: 'RotateWebhookSecret',
    entry: 'functions/rotate-webhook-secret.ts',
    authorized: true,
    access: rotatesWebhookSecrets,
  },
  {
    routeKey: 'PUT /rate-limits/{type}',
    functionName: 'PutRateLimit',
    entry: 'functions/put-rate-limit.ts',
    authorized: true,
    access: keepsRateLimits,
  },
  {
    routeKey: 'GET /rate-limits',
    functionName: 'ListRateLimits',
    entry: 'functions/list-rate-limits.ts',
    authorized: true,
    access: listsRateLimits,
  },
  {
    routeKey: 'DELETE /rate-limits/{type}',
    functionName: 'DeleteRateLimit',
    entry: 'functions/delete-rate-limit.ts',
    authorized: true,
    access: removesRateLimits,
  },
  {
    routeKey: 'GET /events',
    functionName: 'ListEvents',
    entry: 'functions/list-events.ts',
    authorized: true,
    access: queriesPartitions,
  },
];

/** Functions that are not behind a route. */
export const AUTHORIZER_ENTRY = 'functions/authorizer.ts';
export const AUTHORIZER_ACCESS: Access = access(readsTokens, limitsTenantRequests);
/** The sweep: due timers (delays, deadlines, lapsed agent leases, next stages) and unfinished jobs; every minute on AWS. */
export const SWEEP_ENTRY = 'functions/sweep.ts';
export const SWEEP_EVERY_MINUTES = 1;
export const SWEEP_ACCESS: Access = sweeps;

/**
 * The pool worker: one function per `runsOn: 'lambda'` pool from this entry, fed by its four
 * priority queues (event-source mappings with ReportBatchItemFailures and a
 * MaximumConcurrency per priority). It consumes its pool's queues, sends to
 * their DLQs, and (next stages, reduces) to every work queue.
 */
export const WORKER_ENTRY = 'functions/worker.ts';
export const WORKER_ACCESS: Access = runsPoolWorker;
/** What the schedule tick may do. */
export const SCHEDULE_TICK_ACCESS: Access = ticksSchedules;
/** The table-stream consumer: its code's access and its event-source mapping's (which reads the stream). */
export const STREAM_CONSUMER_ACCESS: Access = access(consumesStream, readsTableStream);
/** The webhook delivery function: its code's access and its queue mapping's. */
export const WEBHOOK_DELIVERY_ACCESS: Access = access(deliversWebhooks, pollsDeliveries);

/**
 * The part of a function's access its code never calls: Lambda's event-source
 * mapping polls (and sets failed batches aside) with the function's role.
 * test/infra/iam-coverage.test.ts checks the rest against what the code calls.
 */
export const MAPPING_ACCESS = {
  worker: pollsOwnQueues,
  streamConsumer: readsTableStream,
  webhookDelivery: pollsDeliveries,
} as const satisfies Record<string, Access>;

/** Env var telling a worker function which pool it serves. */
export const WORKER_POOL_ENV = 'POOL_NAME';

/**
 * The schedule tick: invoked every SCHEDULE_TICK_EVERY_MINUTES on AWS with a window
 * of SCHEDULE_TICK_WINDOW_SECONDS (it sleeps to each due time inside it), and every
 * SCHEDULE_TICK_LOCAL_MS by the local runtime. It submits tasks, so it may send to
 * the work queues.
 */
export const SCHEDULE_TICK_ENTRY = 'functions/tick-schedules.ts';
export const SCHEDULE_TICK_EVERY_MINUTES = 1;
export const SCHEDULE_TICK_WINDOW_SECONDS = 60;
export const SCHEDULE_TICK_LOCAL_MS = 1_000;
