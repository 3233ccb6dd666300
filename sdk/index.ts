export { TaskfleetClient, type ClientOptions, type SubmitTask, type Submitted, type BatchItem, type LeasedTask, type RegisterWorker, type SubmitJob, type JobView } from './client.js';
export { Worker, type WorkerOptions, type WorkerEvent } from './worker.js';
export { TaskfleetApiError } from './errors.js';
export { UnrecoverableError, type TaskHandler, type TaskContext, type HandlerRegistry } from '../shared/handlers.js';
