import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { Pager, PRIORITIES, Problem, STATUSES, Status, Table } from '../components.js';
import { age, duration, queueTimeMs } from '../format.js';
import { useLoad } from '../hooks.js';

const PAGE_SIZE = 25;
const WINDOWS = [
  { label: 'any time', seconds: 0 },
  { label: 'last 5 minutes', seconds: 300 },
  { label: 'last hour', seconds: 3600 },
  { label: 'last 24 hours', seconds: 86_400 },
  { label: 'last 7 days', seconds: 604_800 },
];

/**
 * The tenant's tasks, newest first. Status and pool filter on the server (its
 * indexes); type, priority and time filter the page that came back.
 */
export function Tasks({ initialStatus, pools }: { initialStatus: string; pools: readonly string[] }) {
  const [filters, setFilters] = useState({ status: initialStatus, pool: '', type: '', priority: '', within: 0 });
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const path = `/tasks${query({ status: filters.status, pool: filters.pool, limit: PAGE_SIZE, cursor })}`;
  const { data, error, reload, loading } = useLoad(() => get(path), path, 5000);
  const set = (name: string, value: string | number): void => {
    setFilters({ ...filters, [name]: value });
    if (name === 'status' || name === 'pool') setCursors([]);
  };
  const now = Date.now();
  const items = ((data?.items ?? []) as any[]).filter(
    (t) =>
      (filters.type === '' || t.type.includes(filters.type)) &&
      (filters.priority === '' || t.priority === filters.priority) &&
      (filters.within === 0 || now - Date.parse(t.createdAt) <= filters.within * 1000),
  );
  return html`
    <form class="filters" onSubmit=${(e: Event) => { e.preventDefault(); reload(); }} aria-label="Filter tasks">
      <label>Status <select name="status" value=${filters.status} onChange=${(e: any) => set('status', e.currentTarget.value)}>
        <option value="">any</option>${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select></label>
      <label>Pool <select name="pool" value=${filters.pool} onChange=${(e: any) => set('pool', e.currentTarget.value)}>
        <option value="">any</option>${pools.map((p) => html`<option value=${p}>${p}</option>`)}
      </select></label>
      <label>Type <input name="type" value=${filters.type} onInput=${(e: any) => set('type', e.currentTarget.value)} placeholder="e.g. echo" size="10" /></label>
      <label>Priority <select name="priority" value=${filters.priority} onChange=${(e: any) => set('priority', e.currentTarget.value)}>
        <option value="">any</option>${PRIORITIES.map((p) => html`<option value=${p}>${p}</option>`)}
      </select></label>
      <label>Created <select name="within" value=${filters.within} onChange=${(e: any) => set('within', Number(e.currentTarget.value))}>
        ${WINDOWS.map((w) => html`<option value=${w.seconds}>${w.label}</option>`)}
      </select></label>
      <button type="submit">Refresh</button>
    </form>
    <${Problem} error=${error} />
    <${Table} caption=${`Tasks, newest first${loading ? ' (loading…)' : ''}`}>
      <thead><tr><th scope="col">task</th><th scope="col">type</th><th scope="col">status</th><th scope="col">pool</th><th scope="col">priority</th><th scope="col">attempts</th><th scope="col">created</th><th scope="col">queue time</th></tr></thead>
      <tbody>
        ${items.map(
          (t) => html`<tr data-task=${t.id}>
            <td><a href=${`#/tasks/${encodeURIComponent(t.id)}`}>${t.id}</a></td><td>${t.type}</td><td><${Status} value=${t.status} /></td>
            <td>${t.pool}</td><td>${t.priority}</td><td>${t.attempts} / ${t.maxAttempts}</td><td>${age(t.createdAt, now)}</td><td>${duration(queueTimeMs(t))}</td>
          </tr>`,
        )}
        ${items.length === 0 && !loading ? html`<tr><td colspan="8">No tasks match.</td></tr>` : null}
      </tbody>
    <//>
    <${Pager} cursors=${cursors} next=${data?.nextCursor} onChange=${setCursors} />
  `;
}
