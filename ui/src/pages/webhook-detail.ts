import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { Card, Problem, Status, Table } from '../components.js';
import { age, when } from '../format.js';
import { useLoad } from '../hooks.js';
import type { components } from '../../../sdk/wire.js';
import type { WebhookView } from './webhooks.js';

/** One delivery as GET /webhooks/{id}/deliveries answers it (the API's generated wire types). */
type Delivery = components['schemas']['WebhookDelivery'];

const REDELIVERABLE = new Set(['dead_lettered', 'refused']);

/**
 * One webhook: its deliveries that failed (each attempt's outcome, the receiver's
 * answer or the error), Redeliver for one given up on, and Rotate secret, whose new
 * secret is shown here once. Both confirm first, naming what they do.
 */
export function WebhookDetail({ id }: { id: string }) {
  const [outcome, setOutcome] = useState<{ message?: string; secret?: string; error?: string }>({});
  const hooks = useLoad(() => get('/webhooks'), 'webhooks', 5000);
  const deliveries = useLoad(() => get(`/webhooks/${encodeURIComponent(id)}/deliveries?limit=50`), `deliveries-${id}`, 3000);
  const hook = ((hooks.data?.items ?? []) as WebhookView[]).find((w) => w.id === id);
  const items = (deliveries.data?.items ?? []) as Delivery[];

  const redeliver = async (d: Delivery): Promise<void> => {
    if (!confirm(`Redeliver ${d.eventType} (event ${d.eventId}) to ${hook?.url ?? id}? It is sent again as a first attempt, with retries.`)) return;
    try {
      await api('POST', `/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(d.id)}/redeliver`);
      setOutcome({ message: `Redelivering ${d.eventType} ${d.eventId}.` });
      deliveries.reload();
    } catch (e) {
      setOutcome({ error: (e as Error).message });
    }
  };
  const rotate = async (): Promise<void> => {
    if (!confirm(`Rotate the signing secret of webhook ${id} (${hook?.url ?? ''})? Deliveries from now on are signed with the new secret: its receiver must be given it, or it will refuse them.`)) return;
    try {
      const rotated = await api<{ secret: string }>('POST', `/webhooks/${encodeURIComponent(id)}/rotate-secret`);
      setOutcome({ message: 'Rotated the secret. Copy it now: it is not shown again.', secret: rotated.secret });
    } catch (e) {
      setOutcome({ error: (e as Error).message });
    }
  };

  const now = Date.now();
  return html`
    <p><a href="#/webhooks">← all webhooks</a></p>
    <h2 class="title">Webhook <code>${id}</code></h2>
    <div class="actions"><button type="button" class="danger" onClick=${rotate}>Rotate secret</button></div>
    ${outcome.message ? html`<p class="ok" role="status">${outcome.message}</p>` : null}
    ${outcome.secret ? html`<p><label for="new-secret">New secret (shown once)</label> <input id="new-secret" class="secret" readonly value=${outcome.secret} size="48" /></p>` : null}
    <${Problem} error=${outcome.error ?? hooks.error ?? deliveries.error} />
    ${hook
      ? html`<${Card} title="Summary">
          <dl class="facts">
            <dt>url</dt><dd><code>${hook.url}</code></dd>
            <dt>events</dt><dd>${hook.events.join(', ')}</dd>
            <dt>created</dt><dd>${when(hook.createdAt)}</dd>
            <dt>dead-lettered</dt><dd>${hook.deadLettered ?? 0}</dd>
          </dl>
        <//>`
      : null}
    <${Table} caption="Failed deliveries, newest first">
      <thead><tr><th scope="col">event</th><th scope="col">status</th><th scope="col">attempts</th><th scope="col">answer or error</th><th scope="col">last attempt</th><th scope="col">first attempt</th><th scope="col"></th></tr></thead>
      <tbody>
        ${items.map(
          (d) => html`<tr data-delivery=${d.id} data-event=${d.eventId}>
            <td>${d.eventType} <code>${d.eventId}</code></td>
            <td><${Status} value=${d.status} />${d.redeliveries ? html` <span class="note">redelivered ${d.redeliveries}×</span>` : null}</td>
            <td>${d.attempts}</td>
            <td>${d.responseStatus !== undefined ? `HTTP ${d.responseStatus}` : ''}${d.error ? html` <span class="note">${d.error}</span>` : null}${d.responseStatus === undefined && !d.error ? '—' : null}</td>
            <td>${age(d.at, now)}</td>
            <td>${when(d.firstAttemptAt)}</td>
            <td>${REDELIVERABLE.has(d.status) ? html`<button type="button" onClick=${() => redeliver(d)}>Redeliver</button>` : null}</td>
          </tr>`,
        )}
        ${items.length === 0 ? html`<tr><td colspan="7">No failed deliveries${deliveries.loading ? ' (loading)' : ''}.</td></tr>` : null}
      </tbody>
    <//>
  `;
}
