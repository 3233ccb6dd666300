export { TaskfleetClient, type ClientOptions, type WaitOptions } from './client.js';
export { Worker, type WorkerOptions, type WorkerEvent, type TaskHandlers, type TypedTaskHandler } from './worker.js';
export { TaskfleetApiError, TaskfleetConnectionError } from './errors.js';
export { backoffMs, type RetryPolicy } from './http.js';
export * from './types.js';
export { UnrecoverableError, type TaskHandler, type TaskContext, type HandlerRegistry } from '../shared/handlers.js';
export { TaskfleetSchedules, type AddSchedule, type ScheduleView, type OverlapPolicy, type CatchUpPolicy } from './schedules.js';
export { verifyWebhook, signWebhook, WebhookSignatureError, SIGNATURE_HEADER, type WebhookEvent, type VerifyOptions } from './webhooks.js';
