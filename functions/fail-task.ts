import { servicesFromEnvironment } from './environment-services.js';
import { leaseCallHandler } from './lease-call.js';
import { failTask } from '../shared/services/lease-calls.js';

/** POST /tasks/{id}/fail {leaseToken, error, retryable, release} → the task after the failed attempt. */
export const makeHandler = leaseCallHandler(failTask);

export const handler = makeHandler(servicesFromEnvironment());
