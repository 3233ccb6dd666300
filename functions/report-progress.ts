import { leaseCallHandler } from './lease-call.js';
import { reportProgress } from '../shared/services/lease-calls.js';

/** POST /tasks/{id}/progress {leaseToken, fraction, message} → the task. */
export const handler = leaseCallHandler(reportProgress);
