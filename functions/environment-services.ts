import { createServices, type AppServices } from '../shared/composition.js';
import { loadConfig } from '../shared/config.js';

/**
 * A handler module's services: one instance per module (per Lambda container),
 * built from the function's environment on first use, so a missing variable
 * fails the first invocation loudly and names itself. The instance lives in the
 * closure this returns, not in a module variable: the local runtime passes its
 * own instance to the handler factories instead.
 */
export function servicesFromEnvironment(): () => AppServices {
  let services: AppServices | undefined;
  return () => (services ??= createServices(loadConfig(process.env)));
}
