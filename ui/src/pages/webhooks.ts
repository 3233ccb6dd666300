import { html } from 'htm/preact';
import { get } from '../api.js';
import { Problem, Status, Table } from '../components.js';
import { age } from '../format.js';
import { useLoad } from '../hooks.js';

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
  deadLettered?: number;
  lastDelivery?: { status: string; eventId: string; eventType: string; attempts: number; at: string; responseStatus?: number; error?: string };
}

/**
 * Webhooks and how their deliveries go: the last delivery (its status, attempts, the
 * receiver's answer or the error) and how many went to the delivery dead-letter queue.
 * The API keeps no per-delivery history nor a redeliver or rotate-secret route yet.
 */
export function Webhooks() {
  const { data, error } = useLoad(() => get('/webhooks'), 'webhooks', 3000);
  const items = (data?.items ?? []) as WebhookView[];
  const now = Date.now();
  return html`
    <${Problem} error=${error} />
    <${Table} caption="Webhooks and their last delivery">
      <thead><tr><th scope="col">webhook</th><th scope="col">url</th><th scope="col">events</th><th scope="col">last delivery</th><th scope="col">answer</th><th scope="col">dead-lettered</th></tr></thead>
      <tbody>
        ${items.map((w) => {
          const d = w.lastDelivery;
          return html`<tr data-webhook=${w.id}>
            <td><a href=${`#/webhooks/${encodeURIComponent(w.id)}`}><code>${w.id}</code></a></td><td><code>${w.url}</code></td><td>${w.events.join(', ')}</td>
            <td>${d ? html`<${Status} value=${d.status} /> ${d.eventType}, attempt ${d.attempts}, ${age(d.at, now)}` : 'none yet'}</td>
            <td>${d ? (d.responseStatus !== undefined ? `HTTP ${d.responseStatus}` : d.error ?? '—') : '—'}</td>
            <td>${w.deadLettered ? html`<span class="warn">${w.deadLettered}</span>` : 0}</td>
          </tr>`;
        })}
        ${items.length === 0 ? html`<tr><td colspan="6">No webhooks.</td></tr>` : null}
      </tbody>
    <//>
  `;
}
