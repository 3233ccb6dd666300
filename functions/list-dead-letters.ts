import { json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listDeadLetters } from '../shared/services/dead-letters.js';
import { apiFunction } from './api-function.js';

/** GET /dlq?pool=&priority=&limit= → {letters: [{taskId, type, error, attempts, failedAt, queue, …}]}. */
export const { makeHandler, handler } = apiFunction(async (services, event) => json(200, await listDeadLetters(services.deadLetterDeps(), tenantOf(event), event.queryStringParameters ?? {})));
