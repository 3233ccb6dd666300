import { servicesFromEnvironment } from './environment-services.js';
import { leaseCallHandler } from './lease-call.js';
import { completeTask } from '../shared/services/lease-calls.js';

/** POST /tasks/{id}/complete {leaseToken, result} → the COMPLETED task; 409 for a stale token. */
export const makeHandler = leaseCallHandler(completeTask);

export const handler = makeHandler(servicesFromEnvironment());
