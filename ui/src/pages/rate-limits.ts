import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { Problem, Table } from '../components.js';
import { duration } from '../format.js';
import { useLoad } from '../hooks.js';

interface RateLimitView { type: string; limit: number; per: string; used: number; nextAt?: string }

/**
 * The tenant's rate limits per task type and what each uses now; removing one
 * confirms, naming it. Concurrency keys have no list route: a key's slots are
 * held only by running tasks, shown on their pages.
 */
export function RateLimits() {
  const [outcome, setOutcome] = useState<{ message?: string; error?: string }>({});
  const { data, error, reload } = useLoad(() => get('/rate-limits'), 'rate-limits', 3000);
  const items = (data?.items ?? []) as RateLimitView[];
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
  `;
}
