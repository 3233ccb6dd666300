import { z } from 'zod';
import { jobSchema } from '../domain/job.js';
import { scheduleInputSchema } from '../domain/schedule.js';
import { taskInputSchema } from '../domain/task-input.js';
import { typeName } from '../domain/validation.js';
import { webhookInputSchema } from '../domain/webhook.js';
import { deliveryListQuery } from '../domain/webhook-delivery.js';
import { heartbeatBody, leaseRequest, registration } from '../services/agents.js';
import { deadLetterQuery, redriveBody } from '../services/dead-letters.js';
import { completeBody, failBody, heartbeatTaskBody, progressBody } from '../services/lease-calls.js';
import { listJobsQuery } from '../services/list-jobs.js';
import { rateLimitBody } from '../services/rate-limits.js';
import { readEventsQuery } from '../services/read-events.js';
import { listTasksQuery } from '../services/read-tasks.js';
import { statsQuery } from '../services/get-stats.js';
import { LIMITS } from '../domain/limits.js';
import { TOPOLOGY } from '../topology/topology.js';
import * as R from './responses.js';

/**
 * What each route of the topology (shared/topology/routes.ts) takes and answers,
 * for the OpenAPI document: the request schemas are the ones the services parse
 * with, the responses those of responses.ts. Keyed by route key; a route of the
 * topology missing here (or one here that is not in the topology) fails
 * test/unit/openapi.test.ts.
 */
export interface RouteContract {
  readonly summary: string;
  readonly tag: string;
  /** Query parameters, one per key of the object schema. */
  readonly query?: z.ZodObject;
  /** The JSON body; `bodyRequired: false` for routes whose every field is optional. */
  readonly body?: z.ZodType;
  readonly bodyRequired?: boolean;
  /** Success statuses and their schemas (`null`: no body, as for 204). */
  readonly ok: Readonly<Record<number, z.ZodType | null>>;
  /** Error statuses besides those every authorized route can answer (401, 403, 429, 500, 503). */
  readonly errors: readonly number[];
  /** An error status whose body is not the API's error format alone. */
  readonly errorBodies?: Readonly<Record<number, z.ZodType>>;
}

/** A `{id}` path parameter: an id by the API's rule, or one derived from it with `~`. */
const PATH_PARAMETERS: Readonly<Record<string, { description: string; schema: z.ZodType }>> = {
  id: { description: 'The id (a task id may be a derived one such as `<job>~3`).', schema: z.string().min(1).max(256) },
  type: { description: 'A task type.', schema: typeName },
  asset: { description: 'A file of the dashboard.', schema: z.string().min(1) },
  deliveryId: { description: 'A webhook delivery, as GET /webhooks/{id}/deliveries lists it.', schema: z.string().min(1).max(256) },
};
export const pathParameterSchemas = PATH_PARAMETERS;

const include = (values: string) => z.strictObject({ include: z.string().max(64).optional().meta({ description: `Inline large values kept aside: ${values}` }) });
const pools = TOPOLOGY.pools;
/** A body over the Lambda invoke limit is 413; bad JSON or fields 400. */
const bodyErrors = [400, 413] as const;

export const API_CONTRACT: Readonly<Record<string, RouteContract>> = {
  'GET /health': { summary: 'Liveness check (no token).', tag: 'meta', ok: { 200: R.HealthSchema }, errors: [] },
  'GET /openapi.json': { summary: 'This document (no token).', tag: 'meta', ok: { 200: z.looseObject({ openapi: z.string() }) }, errors: [] },
  'POST /tasks': {
    summary: 'Submit a task.',
    tag: 'tasks',
    body: taskInputSchema,
    ok: { 202: R.SubmittedTaskSchema, 200: R.SubmittedTaskSchema },
    errors: [...bodyErrors, 409, 422],
  },
  'POST /tasks/batch': {
    summary: `Submit up to ${LIMITS.batchItems} tasks; each item is answered on its own (202 if any was accepted).`,
    tag: 'tasks',
    body: z.strictObject({ tasks: z.array(taskInputSchema).min(1).max(LIMITS.batchItems) }),
    ok: { 202: R.BatchResultSchema },
    errors: [...bodyErrors],
    // Every item refused: the per-item answers beside an `error`; a body that is not a batch at all: the error alone.
    errorBodies: { 400: z.union([R.BatchResultSchema, R.ErrorSchema]) },
  },
  'GET /tasks/{id}': { summary: 'Get a task.', tag: 'tasks', query: include('payload, result, or both, comma-separated'), ok: { 200: R.TaskSchema }, errors: [400, 404] },
  'GET /tasks': { summary: "List the tenant's tasks.", tag: 'tasks', query: listTasksQuery(pools), ok: { 200: R.TaskPageSchema }, errors: [400] },
  'DELETE /tasks/{id}': { summary: 'Cancel a task (409 when it already finished).', tag: 'tasks', ok: { 200: R.TaskSchema }, errors: [400, 404, 409] },
  'GET /stats': { summary: "The tenant's figures and the window's per-minute series; pool-wide ones for an operator's token.", tag: 'meta', query: statsQuery, ok: { 200: R.StatsSchema }, errors: [400] },
  'POST /workers': { summary: 'Register an agent.', tag: 'agents', body: registration, ok: { 201: R.RegisteredAgentSchema }, errors: [...bodyErrors] },
  'POST /workers/{id}/heartbeat': {
    summary: "An agent is alive; with `running`, leases it does not know of are handed back.",
    tag: 'agents',
    body: heartbeatBody,
    bodyRequired: false,
    ok: { 200: R.AgentSchema },
    errors: [...bodyErrors, 404],
  },
  'POST /workers/{id}/lease': {
    summary: 'Lease the next tasks that fit the agent (long poll up to waitSeconds).',
    tag: 'agents',
    body: leaseRequest,
    bodyRequired: false,
    ok: { 200: R.LeaseSchema },
    errors: [...bodyErrors, 404],
  },
  'POST /tasks/{id}/heartbeat': { summary: 'Extend a lease by the task’s timeout.', tag: 'agents', body: heartbeatTaskBody, ok: { 200: R.LeaseExtensionSchema }, errors: [...bodyErrors, 404, 409] },
  'POST /tasks/{id}/progress': { summary: 'Report progress on a leased task.', tag: 'agents', body: progressBody, ok: { 200: R.TaskSchema }, errors: [...bodyErrors, 404, 409] },
  'POST /tasks/{id}/complete': { summary: 'Complete a leased task with its result.', tag: 'agents', body: completeBody, ok: { 200: R.TaskSchema }, errors: [...bodyErrors, 404, 409] },
  'POST /tasks/{id}/fail': {
    summary: 'Fail a leased task (retried with backoff while attempts remain), or hand it back unrun with `release`.',
    tag: 'agents',
    body: failBody,
    ok: { 200: R.TaskSchema },
    errors: [...bodyErrors, 404, 409],
  },
  'POST /jobs': { summary: 'Submit a job: map over items, then reduce and a next stage.', tag: 'jobs', body: jobSchema, ok: { 202: R.SubmittedJobSchema, 200: R.SubmittedJobSchema }, errors: [...bodyErrors, 422] },
  'GET /jobs/{id}': { summary: 'Get a job.', tag: 'jobs', query: include('result'), ok: { 200: R.JobSchema }, errors: [400, 404] },
  'DELETE /jobs/{id}': { summary: 'Cancel a job and its pending children (409 when it already finished).', tag: 'jobs', ok: { 200: R.JobSchema }, errors: [400, 404, 409] },
  'GET /dlq': { summary: "The tenant's dead letters.", tag: 'dead letters', query: deadLetterQuery(pools), ok: { 200: R.DeadLetterListSchema }, errors: [400] },
  'POST /dlq/redrive': { summary: 'Run dead-lettered tasks again.', tag: 'dead letters', body: redriveBody(pools), bodyRequired: false, ok: { 200: R.RedriveSchema }, errors: [...bodyErrors] },
  'GET /jobs': { summary: "List the tenant's jobs, newest first.", tag: 'jobs', query: listJobsQuery, ok: { 200: R.JobPageSchema }, errors: [400] },
  'GET /workers': { summary: "List the tenant's agents.", tag: 'agents', ok: { 200: R.AgentListSchema }, errors: [] },
  'GET /workers/{id}': { summary: 'Get an agent.', tag: 'agents', ok: { 200: R.AgentDetailSchema }, errors: [400, 404] },
  'GET /ui': { summary: 'The dashboard page (no token).', tag: 'meta', ok: { 200: null }, errors: [] },
  'GET /ui/{asset}': { summary: "A dashboard file (no token).", tag: 'meta', ok: { 200: null }, errors: [404] },
  'POST /schedules': { summary: 'Create a schedule.', tag: 'schedules', body: scheduleInputSchema, ok: { 201: R.ScheduleSchema }, errors: [...bodyErrors, 422] },
  'GET /schedules': { summary: "List the tenant's schedules.", tag: 'schedules', ok: { 200: R.ScheduleListSchema }, errors: [] },
  'GET /schedules/{id}': { summary: 'Get a schedule.', tag: 'schedules', ok: { 200: R.ScheduleSchema }, errors: [400, 404] },
  'DELETE /schedules/{id}': { summary: 'Delete a schedule (runs already submitted carry on).', tag: 'schedules', ok: { 204: null }, errors: [400, 404] },
  'POST /schedules/{id}/pause': { summary: 'Pause a schedule.', tag: 'schedules', ok: { 200: R.ScheduleSchema }, errors: [400, 404, 409] },
  'POST /schedules/{id}/resume': { summary: 'Resume a schedule.', tag: 'schedules', ok: { 200: R.ScheduleSchema }, errors: [400, 404, 409] },
  'POST /schedules/{id}/run': { summary: "Submit the schedule's task now; its next run stays as it is.", tag: 'schedules', ok: { 202: R.SubmittedTaskSchema }, errors: [400, 404, 409, 422] },
  'POST /webhooks': { summary: 'Create a webhook; its secret is shown this once.', tag: 'webhooks', body: webhookInputSchema, ok: { 201: R.CreatedWebhookSchema }, errors: [...bodyErrors, 409] },
  'GET /webhooks': { summary: "List the tenant's webhooks.", tag: 'webhooks', ok: { 200: R.WebhookListSchema }, errors: [] },
  'DELETE /webhooks/{id}': { summary: 'Delete a webhook.', tag: 'webhooks', ok: { 204: null }, errors: [400, 404] },
  'GET /webhooks/{id}/deliveries': { summary: "A webhook's deliveries that failed at least once, newest first.", tag: 'webhooks', query: deliveryListQuery, ok: { 200: R.WebhookDeliveryListSchema }, errors: [400, 404] },
  'POST /webhooks/{id}/deliveries/{deliveryId}/redeliver': {
    summary: 'Send a dead-lettered or refused delivery again, with a fresh retry budget (409 otherwise).',
    tag: 'webhooks',
    ok: { 202: R.WebhookDeliverySchema },
    errors: [400, 404, 409],
  },
  'POST /webhooks/{id}/rotate-secret': { summary: 'Replace the signing secret; the new one is shown this once.', tag: 'webhooks', ok: { 200: R.CreatedWebhookSchema }, errors: [400, 404] },
  'PUT /rate-limits/{type}': { summary: 'Limit how many tasks of a type start per interval.', tag: 'rate limits', body: rateLimitBody, ok: { 200: R.RateLimitSchema }, errors: [...bodyErrors] },
  'GET /rate-limits': { summary: "List the tenant's rate limits.", tag: 'rate limits', ok: { 200: R.RateLimitListSchema }, errors: [] },
  'DELETE /rate-limits/{type}': { summary: 'Remove a rate limit.', tag: 'rate limits', ok: { 204: null }, errors: [400, 404] },
  'GET /events': { summary: "The tenant's recent events, oldest first.", tag: 'events', query: readEventsQuery, ok: { 200: R.EventPageSchema }, errors: [400] },
};
