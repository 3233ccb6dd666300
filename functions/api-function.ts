import type { AppServices } from '../shared/composition.js';
import { httpHandler } from '../shared/http/http-handler.js';
import type { ApiEvent, ApiResult } from '../shared/http/types.js';
import { servicesFromEnvironment } from './environment-services.js';

/**
 * One HTTP API function from what it does with a request: `makeHandler` runs it over
 * a given services instance (the local runtime passes each stack's), `handler` over
 * the container's own, built from its environment on first use (what the stack deploys).
 */
export function apiFunction(run: (services: AppServices, event: ApiEvent) => Promise<ApiResult>): {
  makeHandler: (services: () => AppServices) => ReturnType<typeof httpHandler>;
  handler: ReturnType<typeof httpHandler>;
} {
  const makeHandler = (services: () => AppServices) => httpHandler((event) => run(services(), event));
  return { makeHandler, handler: makeHandler(servicesFromEnvironment()) };
}
