import { httpHandler, json } from '../shared/http/http-handler.js';
import { optionalJsonBody, tenantOf } from '../shared/http/request.js';
import { redriveDeadLetters } from '../shared/services/dead-letters.js';
import type { AppServices } from '../shared/composition.js';
import { servicesFromEnvironment } from './environment-services.js';

/** POST /dlq/redrive {pool?, priority?, taskIds?, max?} → {redriven: [ids], dropped: [ids]}. */
export const makeHandler = (services: () => AppServices): ReturnType<typeof httpHandler> =>
  httpHandler(async (event) => {
  return json(200, await redriveDeadLetters(services().deadLetterDeps(), tenantOf(event), optionalJsonBody(event)));
});

export const handler = makeHandler(servicesFromEnvironment());
