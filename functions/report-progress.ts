import { servicesFromEnvironment } from './environment-services.js';
import { leaseCallHandler } from './lease-call.js';
import { reportProgress } from '../shared/services/lease-calls.js';

/** POST /tasks/{id}/progress {leaseToken, fraction, message} → the task. */
export const makeHandler = leaseCallHandler(reportProgress);

export const handler = makeHandler(servicesFromEnvironment());
