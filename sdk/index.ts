export { TaskfleetClient, type ClientOptions } from './client.js';
export type { WaitOptions } from './poll.js';
export { TasksApi, type ListTasksQuery, type BatchResult } from './tasks.js';
export { JobsApi, type SubmittedJob } from './jobs.js';
export { AgentsApi, LeasesApi } from './agents.js';
export { DeadLettersApi, RateLimitsApi } from './operations.js';
export { WebhooksApi, type CreateWebhook, type WebhookDelivery, type WebhookView } from './webhook-endpoints.js';
export { Worker, type WorkerOptions, type WorkerEvent, type TaskHandlers, type TypedTaskHandler } from './worker.js';
export type { CircuitPolicy } from './circuit-breaker.js';
export {
  TaskfleetError,
  TaskfleetApiError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  RateLimitedError,
  UnavailableError,
  InternalServerError,
  TaskfleetConnectionError,
  TimeoutError,
  type ErrorCode,
  type FieldError,
} from './errors.js';
export { backoffMs, type RetryPolicy } from './http.js';
export * from './types.js';
export { UnrecoverableError, type TaskHandler, type TaskContext, type TaskInfo, type ChildResult, type HandlerRegistry } from './handlers.js';
export { TaskfleetSchedules, type AddSchedule, type ScheduleView, type OverlapPolicy, type CatchUpPolicy } from './schedules.js';
export { verifyWebhook, signWebhook, WebhookSignatureError, SIGNATURE_HEADER, DEFAULT_TOLERANCE_SECONDS, type WebhookEvent, type VerifyOptions } from './webhooks.js';
