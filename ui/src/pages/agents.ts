import { html } from 'htm/preact';
import { get } from '../api.js';
import { Problem, Status, Table } from '../components.js';
import { duration } from '../format.js';
import { useLoad } from '../hooks.js';

function load(used: number, total: number | undefined): string {
  return total === undefined || total === 0 ? '—' : `${used} / ${total}`;
}

export function Agents() {
  const { data, error } = useLoad(() => get('/workers'), 'agents', 5000);
  return html`
    <${Problem} error=${error} />
    <${Table} caption="Registered agents">
      <thead><tr><th scope="col">name</th><th scope="col">status</th><th scope="col">capabilities</th><th scope="col">slots used</th><th scope="col">cpu</th><th scope="col">gpu</th><th scope="col">memory MB</th><th scope="col">heartbeat</th><th scope="col">running tasks</th></tr></thead>
      <tbody>
        ${(data?.items ?? []).map(
          (a: any) => html`<tr data-agent=${a.id}>
            <td>${a.name ?? a.id}<br /><small><code>${a.id}</code></small></td><td><${Status} value=${a.status.toUpperCase()} /></td>
            <td>${a.capabilities.join(', ') || '—'}</td><td>${load(a.load.slots, a.capacity.slots)}</td><td>${load(a.load.cpu, a.capacity.cpu)}</td>
            <td>${load(a.load.gpu, a.capacity.gpu)}</td><td>${load(a.load.memoryMb, a.capacity.memoryMb)}</td><td>${duration(a.heartbeatAgeSeconds * 1000)} ago</td>
            <td>${a.runningTasks.length === 0 ? '—' : a.runningTasks.map((t: any) => html`<a href=${`#/tasks/${encodeURIComponent(t.taskId)}`}>${t.taskId}</a> `)}</td>
          </tr>`,
        )}
        ${data !== undefined && data.items.length === 0 ? html`<tr><td colspan="9">No agents registered. Start one with <code>npx taskfleet work</code>.</td></tr>` : null}
      </tbody>
    <//>
  `;
}
