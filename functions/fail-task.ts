import { leaseCallHandler } from './lease-call.js';
import { failTask } from '../shared/services/lease-calls.js';

/** POST /tasks/{id}/fail {leaseToken, error, retryable, release} → the task after the failed attempt. */
export const handler = leaseCallHandler(failTask);
