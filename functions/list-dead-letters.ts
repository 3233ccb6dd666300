import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listDeadLetters } from '../shared/services/dead-letters.js';
import { deadLetterDeps } from '../shared/wiring.js';

/** GET /dlq?pool=&priority=&limit= → {letters: [{taskId, type, error, attempts, failedAt, queue, …}]}. */
export const handler = httpHandler(async (event) => json(200, await listDeadLetters(deadLetterDeps(), tenantOf(event), event.queryStringParameters ?? {})));
