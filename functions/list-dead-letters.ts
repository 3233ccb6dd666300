import { httpHandler, json } from '../shared/http/http-handler.js';
import { tenantOf } from '../shared/http/request.js';
import { listDeadLetters } from '../shared/services/dead-letters.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** GET /dlq?pool=&priority=&limit= → {letters: [{taskId, type, error, attempts, failedAt, queue, …}]}. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => json(200, await listDeadLetters(services().deadLetterDeps(), tenantOf(event), event.queryStringParameters ?? {})));

export const handler = makeHandler(servicesFromEnvironment());
