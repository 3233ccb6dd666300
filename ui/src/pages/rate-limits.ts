import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { Problem, Table } from '../components.js';
import { age, duration } from '../format.js';
import { useLoad } from '../hooks.js';

interface RateLimitView { type: string; limit: number; per: string; used: number; nextAt?: string }
interface ConcurrencyKeyView { key: string; used: number; limit?: number; holders: { taskId: string; since: string }[] }

/**
 * The tenant's rate limits per task type and what each uses now; removing one
 * confirms, naming it. Below, its concurrency keys: the slots held now against the
 * limit the key's latest task asked for, and the tasks holding them.
 */
export function RateLimits() {
  const [outcome, setOutcome] = useState<{ message?: string; error?: string }>({});
  const { data, error, reload } = useLoad(() => get('/rate-limits'), 'rate-limits', 3000);
  const items = (data?.items ?? []) as RateLimitView[];
  const keys = (data?.concurrencyKeys ?? []) as ConcurrencyKeyView[];
  const now = Date.now();
  const remove = async (l: RateLimitView): Promise<void> => {
    if (!confirm(`Remove the rate limit on ${l.type} (${l.limit} per ${l.per})? Tasks of that type then start as fast as workers take them.`)) return;
    try {
      await api('DELETE', `/rate-limits/${encodeURIComponent(l.type)}`);
      setOutcome({ message: `Removed the limit on ${l.type}.` });
      reload();
    } catch (e) {
      setOutcome({ error: (e as Error).message });
    }
  };
  return html`
    ${outcome.message ? html`<p class="ok" role="status">${outcome.message}</p>` : null}
    <${Problem} error=${outcome.error ?? error} />
    <${Table} caption="Rate limits per task type, used now">
      <thead><tr><th scope="col">task type</th><th scope="col">limit</th><th scope="col">used now</th><th scope="col">next start</th><th scope="col"></th></tr></thead>
      <tbody>
        ${items.map(
          (l) => html`<tr data-limit=${l.type}>
            <td>${l.type}</td><td>${l.limit} per ${l.per}</td><td>${l.used >= l.limit ? html`<span class="warn">${l.used} of ${l.limit} (full)</span>` : `${l.used} of ${l.limit}`}</td>
            <td>${l.nextAt !== undefined ? `in ${duration(Math.max(0, Date.parse(l.nextAt) - now))}` : 'now'}</td>
            <td><button type="button" class="danger" onClick=${() => remove(l)}>Remove</button></td>
          </tr>`,
        )}
        ${items.length === 0 ? html`<tr><td colspan="5">No rate limits: every task type starts as fast as workers take it.</td></tr>` : null}
      </tbody>
    <//>
    <${Table} caption="Concurrency keys, slots used now">
      <thead><tr><th scope="col">key</th><th scope="col">used / limit</th><th scope="col">held by</th></tr></thead>
      <tbody>
        ${keys.map(
          (k) => html`<tr data-concurrency-key=${k.key}>
            <td><code>${k.key}</code></td>
            <td>${k.limit !== undefined && k.used >= k.limit ? html`<span class="warn">${k.used} / ${k.limit} (full)</span>` : `${k.used} / ${k.limit ?? '—'}`}</td>
            <td>${k.holders.length === 0 ? '—' : k.holders.map((h, i) => html`${i > 0 ? ', ' : ''}<a href=${`#/tasks/${encodeURIComponent(h.taskId)}`}>${h.taskId}</a> <span class="note">${age(h.since, now)}</span>`)}</td>
          </tr>`,
        )}
        ${keys.length === 0 ? html`<tr><td colspan="3">No concurrency keys used yet.</td></tr>` : null}
      </tbody>
    <//>
  `;
}
