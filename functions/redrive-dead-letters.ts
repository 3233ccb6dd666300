import { httpHandler, json } from '../shared/http/http-handler.js';
import { optionalJsonBody, tenantOf } from '../shared/http/request.js';
import { redriveDeadLetters } from '../shared/services/dead-letters.js';
import { deadLetterDeps } from '../shared/wiring.js';

/** POST /dlq/redrive {pool?, priority?, taskIds?, max?} → {redriven: [ids], dropped: [ids]}. */
export const handler = httpHandler(async (event) => {
  return json(200, await redriveDeadLetters(deadLetterDeps(), tenantOf(event), optionalJsonBody(event)));
});
