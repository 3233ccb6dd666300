export { TaskfleetClient, type ClientOptions, type SubmitTask, type Submitted, type BatchItem } from './client.js';
export { TaskfleetApiError } from './errors.js';
export { UnrecoverableError, type TaskHandler, type TaskContext, type HandlerRegistry } from '../shared/handlers.js';
