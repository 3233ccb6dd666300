import { randomBytes } from 'node:crypto';
import { checkWebhookUrl, type AddressPolicy } from '../domain/webhook-address.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { MAX_WEBHOOKS_PER_TENANT, parseWebhookInput, toWebhookView, type Webhook, type WebhookView } from '../domain/webhook.js';
import type { WebhookStore } from '../ports/webhook-store.js';

export interface WebhookDeps {
  readonly webhooks: WebhookStore;
  readonly policy: AddressPolicy;
  readonly newId: () => string;
  readonly now: () => Date;
}

/**
 * POST /webhooks: checks the URL (a literal private address is refused now; a
 * host name is checked again at every delivery, after DNS), makes a secret when
 * none is given, and returns it this once.
 */
export async function createWebhook(deps: WebhookDeps, tenant: string, raw: unknown): Promise<WebhookView & { secret: string }> {
  const parsed = parseWebhookInput(raw);
  if (!parsed.ok) throw new ValidationError(parsed.fields);
  const urlProblem = checkWebhookUrl(parsed.value.url, deps.policy);
  if (urlProblem !== undefined) throw new ValidationError([{ field: 'url', message: urlProblem }]);
  if ((await deps.webhooks.list(tenant)).length >= MAX_WEBHOOKS_PER_TENANT) {
    throw new ConflictError('too_many_webhooks', `a tenant may have ${MAX_WEBHOOKS_PER_TENANT} webhooks; delete one first`);
  }
  const webhook: Webhook = {
    id: `wh_${deps.newId().replace(/-/g, '').slice(0, 20)}`,
    tenant,
    url: parsed.value.url,
    events: parsed.value.events,
    secret: parsed.value.secret ?? `whsec_${randomBytes(24).toString('base64url')}`,
    createdAt: deps.now().toISOString(),
  };
  await deps.webhooks.create(webhook);
  return { ...toWebhookView(webhook), secret: webhook.secret };
}

/** GET /webhooks: each endpoint with its last delivery's outcome and its dead-letter count. */
export async function listWebhooks(deps: WebhookDeps, tenant: string): Promise<{ items: WebhookView[] }> {
  return { items: (await deps.webhooks.list(tenant)).map(toWebhookView) };
}

/** DELETE /webhooks/{id}: deliveries already queued for it are dropped when they run. */
export async function deleteWebhook(deps: WebhookDeps, tenant: string, id: string): Promise<void> {
  if (!(await deps.webhooks.delete(tenant, id))) throw new NotFoundError('webhook', id);
}
