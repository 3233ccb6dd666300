import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { Problem, Table } from '../components.js';
import { when } from '../format.js';
import { useLoad } from '../hooks.js';

interface EventView { id: string; type: string; at: string; task?: { id: string; type: string; attempts: number; error?: { message?: string } }; job?: { id: string } }

/** The tenant's event log (GET /events), newest last, polled live; filtered by type or by a task or job id. */
export function Events({ initialId }: { initialId: string }) {
  const [filter, setFilter] = useState({ type: '', id: initialId });
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const { data, error } = useLoad(() => get(`/events?limit=500&after=${encodeURIComponent(since)}`), 'events', 3000);
  const items = ((data?.items ?? []) as EventView[]).filter((e) => (filter.type === '' || e.type.startsWith(filter.type)) && (filter.id === '' || e.task?.id === filter.id || e.job?.id === filter.id));
  return html`
    <form class="filters" aria-label="Filter events" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>Type <select name="type" value=${filter.type} onChange=${(e: Event) => setFilter({ ...filter, type: (e.currentTarget as HTMLSelectElement).value })}>
        <option value="">any</option><option value="task.">task.*</option><option value="task.failed">task.failed</option><option value="task.retried">task.retried</option><option value="job.">job.*</option>
      </select></label>
      <label>Task or job id <input name="id" value=${filter.id} onInput=${(e: Event) => setFilter({ ...filter, id: (e.currentTarget as HTMLInputElement).value.trim() })} size="24" /></label>
    </form>
    <${Problem} error=${error} />
    <${Table} caption="Events of the last hour (live)">
      <thead><tr><th scope="col">at</th><th scope="col">event</th><th scope="col">task / job</th><th scope="col">attempt</th><th scope="col">error</th></tr></thead>
      <tbody>
        ${items.slice(-200).reverse().map(
          (e) => html`<tr data-event=${e.id}>
            <td>${when(e.at)}</td><td>${e.type}</td>
            <td>${e.task ? html`<a href=${`#/tasks/${encodeURIComponent(e.task.id)}`}>${e.task.id}</a>` : e.job ? html`<a href=${`#/jobs/${encodeURIComponent(e.job.id)}`}>${e.job.id}</a>` : '—'}</td>
            <td>${e.task?.attempts ?? '—'}</td><td>${e.task?.error?.message ?? ''}</td>
          </tr>`,
        )}
        ${items.length === 0 ? html`<tr><td colspan="5">No events match.</td></tr>` : null}
      </tbody>
    <//>
  `;
}
