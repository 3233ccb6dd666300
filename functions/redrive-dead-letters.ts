import { json } from '../shared/http/http-handler.js';
import { optionalJsonBody, tenantOf } from '../shared/http/request.js';
import { redriveDeadLetters } from '../shared/services/dead-letters.js';
import { apiFunction } from './api-function.js';

/** POST /dlq/redrive {pool?, priority?, taskIds?, max?} → {redriven: [ids], dropped: [ids]}. */
export const { makeHandler, handler } = apiFunction(async (services, event) => {
  return json(200, await redriveDeadLetters(services.deadLetterDeps(), tenantOf(event), optionalJsonBody(event)));
});
