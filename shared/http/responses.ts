import { z } from 'zod';
import { EVENT_TYPES } from '../domain/events.js';
import { JOB_STATUS } from '../domain/job.js';
import { PRIORITIES } from '../domain/priority.js';
import { CATCH_UP_POLICIES, OVERLAP_POLICIES, SCHEDULE_STATUSES } from '../domain/schedule.js';
import { TASK_STATUSES } from '../domain/task-status.js';
import { DELIVERY_STATUS } from '../domain/webhook.js';
import { DELIVERY_RECORD_STATUS } from '../domain/webhook-delivery.js';

/**
 * What the API answers, one schema per resource, in one place. The OpenAPI
 * document (openapi.ts) is generated from these and from the request schemas the
 * handlers validate with; the handlers' format step type-checks against them
 * (`respond` below), so document and code cannot drift apart. Objects are closed
 * (`additionalProperties: false` in the document): a field a handler adds without
 * saying so here fails the integration suite's response check.
 */

/** Every registered schema becomes `#/components/schemas/<id>`. */
export const responseSchemas = z.registry<{ id: string; description?: string }>();
function named<S extends z.ZodType>(id: string, description: string, schema: S): S {
  responseSchemas.add(schema, { id, description });
  return schema;
}

const timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601, UTC' });
const count = z.int().min(0);
/** Any JSON value (a task's payload or result, an item). */
const json = z.unknown().meta({ description: 'any JSON value' });
const priority = z.enum(PRIORITIES);
const taskStatus = z.enum(TASK_STATUSES as [string, ...string[]]);
const jobStatus = z.enum(Object.values(JOB_STATUS) as [string, ...string[]]);
const resources = z.object({ cpu: z.number().optional(), gpu: z.int().optional(), memoryMb: z.int().optional() });
const valueRef = z.object({ key: z.string(), bytes: count });

export const FieldErrorSchema = named('FieldError', 'One wrong field: its dotted path and what is wrong with it.', z.object({ field: z.string(), message: z.string() }));

export const ErrorSchema = named(
  'Error',
  'Every 4xx and 5xx answer of the API: a stable code, a message, and for bad input every wrong field.',
  z.object({ error: z.object({ code: z.string(), message: z.string(), fields: z.array(FieldErrorSchema).optional() }) }),
);

export const TaskErrorSchema = named('TaskError', 'Why a task failed.', z.object({ message: z.string(), type: z.string().optional(), retryable: z.boolean().optional() }));

export const TaskSchema = named(
  'Task',
  'A task as GET /tasks/{id} shows it. A payload or result over the inline limit is null with its `payloadRef`/`resultRef` unless asked for with `include`.',
  z.object({
    id: z.string(),
    type: z.string(),
    payload: json,
    priority,
    requires: z.array(z.string()),
    pool: z.string(),
    status: taskStatus,
    attempts: count,
    maxAttempts: z.int(),
    timeoutSeconds: z.int(),
    delaySeconds: z.int(),
    runAt: timestamp.optional(),
    deadline: z.string().optional(),
    resources: resources.optional(),
    placement: z
      .object({
        prefers: z.record(z.string(), z.number()).optional(),
        affinityKey: z.string().optional(),
        agent: z.string().optional(),
        avoidAgents: z.array(z.string()).optional(),
        concurrency: z.object({ key: z.string(), limit: z.int() }).optional(),
      })
      .optional(),
    idempotencyKey: z.string().optional(),
    availableAt: timestamp.optional(),
    payloadRef: valueRef.optional(),
    resultRef: valueRef.optional(),
    progress: z.object({ fraction: z.number(), message: z.string().optional() }).optional(),
    result: json.optional(),
    error: TaskErrorSchema.optional(),
    worker: z.string().optional(),
    leaseExpiresAt: timestamp.optional(),
    then: z.object({ type: z.string(), requires: z.array(z.string()).optional() }).optional(),
    job: z.object({ id: z.string(), role: z.enum(['map', 'reduce', 'then']), index: z.int().optional() }).optional(),
    createdAt: timestamp,
    updatedAt: timestamp,
    revision: count,
    startedAt: timestamp.optional(),
    finishedAt: timestamp.optional(),
  }),
);

export const SubmittedTaskSchema = named(
  'SubmittedTask',
  'A task accepted by POST /tasks (202), or the one an idempotencyKey already named (200).',
  z.object({ id: z.string(), status: taskStatus, pool: z.string(), priority }),
);

const batchItemAccepted = z.object({ index: count, status: z.literal([200, 202]), id: z.string(), taskStatus, pool: z.string(), priority });
const batchItemRefused = z.object({ index: count, status: z.int().min(400), error: ErrorSchema.shape.error });
export const BatchResultSchema = named(
  'BatchResult',
  'POST /tasks/batch: one answer per item, in order; `error` only when none was accepted (400).',
  z.object({ error: z.object({ code: z.string(), message: z.string() }).optional(), accepted: count, rejected: count, items: z.array(z.union([batchItemAccepted, batchItemRefused])) }),
);

export const TaskSummarySchema = named(
  'TaskSummary',
  'A row of GET /tasks.',
  z.object({
    id: z.string(),
    type: z.string(),
    status: taskStatus,
    pool: z.string(),
    priority,
    attempts: count,
    maxAttempts: z.int(),
    createdAt: timestamp,
    updatedAt: timestamp,
    startedAt: timestamp.optional(),
    finishedAt: timestamp.optional(),
    deadline: z.string().optional(),
  }),
);
export const TaskPageSchema = named('TaskPage', 'A page of tasks; pass `nextCursor` as `cursor` for the next.', z.object({ items: z.array(TaskSummarySchema), nextCursor: z.string().optional() }));

export const LeaseExtensionSchema = named('LeaseExtension', 'POST /tasks/{id}/heartbeat: when the lease now lapses.', z.object({ leaseExpiresAt: timestamp }));

const agentView = {
  id: z.string(),
  name: z.string().optional(),
  capabilities: z.array(z.string()),
  capacity: z.object({ slots: z.int(), cpu: z.number().optional(), gpu: z.int().optional(), memoryMb: z.int().optional() }),
  weight: z.number(),
  labels: z.record(z.string(), z.string()),
  registeredAt: timestamp,
  lastSeenAt: timestamp,
  status: z.enum(['online', 'offline']),
  activeLeases: count,
};
export const AgentSchema = named('Agent', 'A registered agent (an external worker) and its live leases.', z.object(agentView));
export const RegisteredAgentSchema = named(
  'RegisteredAgent',
  'POST /workers: the new agent, the pools its work can come from, and how often it should show it is alive.',
  z.object({ ...agentView, pools: z.array(z.string()), heartbeatIntervalSeconds: z.int() }),
);
export const AgentDetailSchema = named(
  'AgentDetail',
  'An agent as GET /workers shows it: what it runs now and how loaded it is.',
  z.object({
    ...agentView,
    heartbeatAgeSeconds: count,
    runningTasks: z.array(z.object({ taskId: z.string() })),
    load: z.object({ slots: z.number(), cpu: z.number(), gpu: z.number(), memoryMb: z.number() }),
  }),
);
export const AgentListSchema = named('AgentList', "The tenant's agents, online first.", z.object({ items: z.array(AgentDetailSchema) }));

export const LeasedTaskSchema = named(
  'LeasedTask',
  'A task leased to an agent: run it, then complete or fail it with its leaseToken before leaseExpiresAt (heartbeat to extend).',
  z.object({
    id: z.string(),
    type: z.string(),
    payload: json,
    priority,
    pool: z.string(),
    attempt: z.int(),
    timeoutSeconds: z.int(),
    resources: resources.optional(),
    payloadRef: z.object({ bytes: count }).optional(),
    leaseToken: z.string(),
    leaseExpiresAt: timestamp,
  }),
);
export const CarriedCompletionOutcomeSchema = named(
  'CarriedCompletionOutcome',
  'One completion a lease call carried: status 200, or the status and error POST /tasks/{id}/complete would have answered (409 stale_lease: the lease no longer holds; 503: send it again).',
  z.object({ taskId: z.string(), status: z.int(), error: z.object({ code: z.string(), message: z.string(), fields: z.array(z.object({ field: z.string(), message: z.string() })).optional() }).optional() }),
);
export const LeaseSchema = named(
  'Lease',
  'POST /workers/{id}/lease: the tasks leased (none when nothing fits within waitSeconds), and the outcome of each completion the call carried.',
  z.object({ tasks: z.array(LeasedTaskSchema), completed: z.array(CarriedCompletionOutcomeSchema).optional() }),
);

const stage = z.object({ name: z.enum(['map', 'reduce', 'then']), type: z.string(), status: z.string(), taskId: z.string().optional() });
export const JobSchema = named(
  'Job',
  "A job: its children's counts, progress, stages and the final stage's result.",
  z.object({
    id: z.string(),
    status: jobStatus,
    total: count,
    expanded: count,
    completed: count,
    failed: count,
    cancelled: count,
    progress: z.number(),
    stages: z.array(stage),
    result: json.optional(),
    resultRef: valueRef.optional(),
    error: z.string().optional(),
    createdAt: timestamp,
    finishedAt: timestamp.optional(),
  }),
);
export const SubmittedJobSchema = named(
  'SubmittedJob',
  'A job accepted by POST /jobs (202), or the one an idempotencyKey already named (200).',
  z.object({ id: z.string(), status: jobStatus, total: count, pool: z.string() }),
);
export const JobSummarySchema = named(
  'JobSummary',
  'A row of GET /jobs.',
  z.object({
    id: z.string(),
    status: jobStatus,
    total: count,
    mapType: z.string(),
    reduceType: z.string().optional(),
    thenType: z.string().optional(),
    pool: z.string(),
    priority,
    createdAt: timestamp,
    finishedAt: timestamp.optional(),
    error: z.string().optional(),
    completed: count,
    failed: count,
    cancelled: count,
    progress: z.number(),
  }),
);
export const JobPageSchema = named('JobPage', 'A page of jobs, newest first.', z.object({ items: z.array(JobSummarySchema), nextCursor: z.string().optional() }));

export const DeadLetterSchema = named(
  'DeadLetter',
  'A failed task (or a job message) in a dead-letter queue, with its error.',
  z.object({
    taskId: z.string(),
    jobId: z.string().optional(),
    type: z.string().optional(),
    pool: z.string().optional(),
    priority: z.string().optional(),
    attempts: z.int().optional(),
    error: TaskErrorSchema.optional(),
    failedAt: timestamp.optional(),
    queue: z.string(),
    messageId: z.string(),
  }),
);
export const DeadLetterListSchema = named('DeadLetterList', "The tenant's dead letters, left where they are.", z.object({ letters: z.array(DeadLetterSchema) }));
export const RedriveSchema = named(
  'Redrive',
  'POST /dlq/redrive: the tasks run again, and the letters dropped (their task finished or is gone).',
  z.object({ redriven: z.array(z.string()), dropped: z.array(z.string()) }),
);

export const ScheduleSchema = named(
  'Schedule',
  'A schedule: when it runs, the task each run submits, and its runs so far.',
  z.object({
    id: z.string(),
    cron: z.string().optional(),
    every: z.string().optional(),
    timezone: z.string(),
    startAt: timestamp.optional(),
    endAt: timestamp.optional(),
    task: z.record(z.string(), z.unknown()),
    overlap: z.enum(OVERLAP_POLICIES),
    catchUp: z.enum(CATCH_UP_POLICIES),
    status: z.enum(Object.values(SCHEDULE_STATUSES) as [string, ...string[]]),
    nextRunAt: timestamp.optional(),
    lastRunAt: timestamp.optional(),
    lastTaskId: z.string().optional(),
    runs: count,
    skipped: count,
    createdAt: timestamp,
  }),
);
export const ScheduleListSchema = named('ScheduleList', "The tenant's schedules, oldest first.", z.object({ items: z.array(ScheduleSchema) }));

const webhookView = {
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  createdAt: timestamp,
  lastDelivery: z
    .object({
      status: z.enum(Object.values(DELIVERY_STATUS) as [string, ...string[]]),
      eventId: z.string(),
      eventType: z.string(),
      attempts: z.int(),
      at: timestamp,
      responseStatus: z.int().optional(),
      error: z.string().optional(),
    })
    .optional(),
  deadLettered: count.optional(),
};
export const WebhookSchema = named('Webhook', 'A webhook: where events are POSTed and the last delivery; the secret is never shown again.', z.object(webhookView));
export const CreatedWebhookSchema = named('CreatedWebhook', 'POST /webhooks: the webhook with its signing secret, shown this once.', z.object({ ...webhookView, secret: z.string() }));
export const WebhookListSchema = named('WebhookList', "The tenant's webhooks.", z.object({ items: z.array(WebhookSchema) }));

export const WebhookDeliverySchema = named(
  'WebhookDelivery',
  'A delivery of one event to a webhook that failed at least once: its latest attempt, and whether an operator sent it again.',
  z.object({
    id: z.string(),
    status: z.enum(Object.values(DELIVERY_RECORD_STATUS) as [string, ...string[]]),
    eventId: z.string(),
    eventType: z.string(),
    attempts: z.int(),
    at: timestamp,
    firstAttemptAt: timestamp,
    responseStatus: z.int().optional(),
    error: z.string().optional(),
    redeliveries: count.optional(),
  }),
);
export const WebhookDeliveryListSchema = named('WebhookDeliveryList', "A webhook's failed deliveries, newest first.", z.object({ items: z.array(WebhookDeliverySchema) }));

export const RateLimitSchema = named(
  'RateLimit',
  'A rate limit on starts of one task type, and what it uses now.',
  z.object({ type: z.string(), limit: z.int(), per: z.string(), used: z.number(), nextAt: timestamp.optional() }),
);
export const ConcurrencyKeySchema = named(
  'ConcurrencyKey',
  'A concurrency key the tenant has used: its slots held now and the limit its latest task asked for.',
  z.object({
    key: z.string(),
    used: count,
    limit: z.int().min(1).optional(),
    holders: z.array(z.object({ taskId: z.string(), since: timestamp })),
  }),
);
export const RateLimitListSchema = named(
  'RateLimitList',
  "The tenant's rate limits, and its concurrency keys with their use.",
  z.object({ items: z.array(RateLimitSchema), concurrencyKeys: z.array(ConcurrencyKeySchema) }),
);

export const EventSchema = named(
  'Event',
  "A change in a task's or a job's life.",
  z.object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    tenant: z.string(),
    at: timestamp,
    task: z
      .object({
        id: z.string(),
        type: z.string(),
        pool: z.string(),
        priority: z.string(),
        status: z.string(),
        attempts: z.int(),
        maxAttempts: z.int(),
        jobId: z.string().optional(),
        worker: z.string().optional(),
        queueTimeMs: z.number().optional(),
        runTimeMs: z.number().optional(),
        result: json.optional(),
        resultOmitted: z.boolean().optional(),
        error: TaskErrorSchema.optional(),
      })
      .optional(),
    job: z
      .object({ id: z.string(), status: z.string(), total: z.int(), pool: z.string(), priority: z.string(), error: z.string().optional(), runTimeMs: z.number().optional() })
      .optional(),
  }),
);
export const EventPageSchema = named('EventPage', "The tenant's recent events, oldest first; pass `next` as `after` to follow on.", z.object({ items: z.array(EventSchema), next: z.string() }));

const percentiles = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });
/** Open at the top (more figures may come, as the dashboard grows); each figure inside is closed. */
export const StatsSchema = named(
  'Stats',
  "The tenant's counts by status, its agents, recent throughput and queue times; queue depths and circuits for an operator's token.",
  z.looseObject({
    tasks: z.record(z.string(), z.number()),
    workers: z.object({
      online: count,
      offline: count,
      agents: z.array(z.object({ id: z.string(), name: z.string().optional(), slots: z.number(), running: z.number(), utilisation: z.number() })),
      utilisation: z.number(),
      utilisationCv: z.number(),
      pools: z.record(z.string(), z.object({ agents: count, utilisation: z.number(), utilisationCv: z.number() })),
    }),
    recent: z.object({
      windowSeconds: z.number(),
      completed: count,
      failed: count,
      retried: count,
      throughputPerSecond: z.number(),
      queueTimeMs: percentiles.optional(),
      queueTimeByPriority: z.partialRecord(priority, percentiles),
      deadlines: z.object({ decided: count, met: count, share: z.number() }),
    }),
    series: z.object({
      window: z.enum(['hour', 'day']),
      minutes: z.array(
        z.object({
          minute: z.string(),
          completed: count,
          failed: count,
          retried: count,
          queueTimeMs: z.partialRecord(priority, percentiles.extend({ count })),
          depth: z.record(priority, z.number()),
        }),
      ),
      queueTimeByPriority: z.partialRecord(priority, percentiles),
    }),
    queues: z.array(z.object({ pool: z.string(), priority: z.string(), visible: count, inFlight: count, delayed: count, deadLetters: count })).optional(),
    circuits: z.record(z.string(), z.object({ status: z.string(), consecutiveFailures: count, since: timestamp.optional() })).optional(),
    circuitCooldownSeconds: z.record(z.string(), z.number()),
    rateLimits: z.array(RateLimitSchema).optional(),
    at: timestamp,
  }),
);

export const HealthSchema = named('Health', 'The API answers.', z.object({ status: z.literal('ok') }));

/** `readonly` all the way down, so a domain value (readonly arrays) type-checks against a schema's type. */
type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
/** The type a handler's answer must have to match `schema`. */
export type ResponseBody<S extends z.ZodType> = DeepReadonly<z.output<S>>;
