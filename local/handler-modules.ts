import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppServices } from '../shared/composition.js';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The handler of a Lambda entry (the same module the stack deploys), made for
 * this stack's services through the module's `makeHandler`; a module that needs
 * no services (health, the dashboard's files) has only its `handler`.
 */
export async function importHandler<H>(entry: string, services: () => AppServices): Promise<H> {
  const module = (await import(pathToFileURL(resolve(ROOT, entry)).href)) as { handler: H; makeHandler?: (services: () => AppServices) => H };
  return module.makeHandler !== undefined ? module.makeHandler(services) : module.handler;
}
