import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, get, query } from '../api.js';
import { Bar, Card, Json, Pager, Problem, Status, Table } from '../components.js';
import { age, when } from '../format.js';
import { useLoad } from '../hooks.js';

const PAGE_SIZE = 25;

export function Jobs() {
  const [cursors, setCursors] = useState<string[]>([]);
  const path = `/jobs${query({ limit: PAGE_SIZE, cursor: cursors[cursors.length - 1] })}`;
  const { data, error } = useLoad(() => get(path), path, 5000);
  const now = Date.now();
  return html`
    <${Problem} error=${error} />
    <${Table} caption="Jobs, newest first">
      <thead><tr><th scope="col">job</th><th scope="col">status</th><th scope="col">map type</th><th scope="col">progress</th><th scope="col">done / failed / cancelled / total</th><th scope="col">created</th></tr></thead>
      <tbody>
        ${(data?.items ?? []).map(
          (j: any) => html`<tr data-job=${j.id}>
            <td><a href=${`#/jobs/${encodeURIComponent(j.id)}`}>${j.id}</a></td><td><${Status} value=${j.status} /></td><td>${j.mapType}</td>
            <td><${Bar} fraction=${j.progress} label=${`progress of ${j.id}`} /></td><td>${j.completed} / ${j.failed} / ${j.cancelled} / ${j.total}</td><td>${age(j.createdAt, now)}</td>
          </tr>`,
        )}
        ${data !== undefined && data.items.length === 0 ? html`<tr><td colspan="6">No jobs yet.</td></tr>` : null}
      </tbody>
    <//>
    <${Pager} cursors=${cursors} next=${data?.nextCursor} onChange=${setCursors} />
  `;
}

export function JobDetail({ id }: { id: string }) {
  const [problem, setProblem] = useState<string | undefined>();
  const { data, error, reload } = useLoad(async () => {
    // Failed children: the tenant's FAILED tasks whose id says they are this job's (`<job>-<n>`).
    const [job, failed] = await Promise.all([get(`/jobs/${encodeURIComponent(id)}`), get('/tasks?status=FAILED&limit=100')]);
    return { job, failedChildren: (failed.items as any[]).filter((t) => t.id.startsWith(`${id}-`)) };
  }, id, 3000);
  if (data === undefined) return html`<${Problem} error=${error} />`;
  const { job, failedChildren } = data;
  const cancel = async (): Promise<void> => {
    const unfinished = Math.max(0, job.total - job.completed - job.failed - job.cancelled);
    if (!confirm(`Cancel job ${job.id} and its ${unfinished.toLocaleString('en')} unfinished children?`)) return;
    try {
      await api('DELETE', `/jobs/${encodeURIComponent(id)}`);
      reload();
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  return html`
    <p><a href="#/jobs">← all jobs</a></p>
    <h2 class="title">Job <code>${job.id}</code> <${Status} value=${job.status} /></h2>
    ${job.status === 'RUNNING' || job.status === 'REDUCING' ? html`<div class="actions"><button type="button" class="danger" onClick=${cancel}>Cancel job</button></div>` : null}
    <${Problem} error=${problem ?? error} />
    <div class="grid">
      <${Card} title="Progress">
        <p><${Bar} fraction=${job.progress} label="job progress" /></p>
        <dl class="facts">
          <dt>children</dt><dd>${job.total}</dd><dt>completed</dt><dd>${job.completed}</dd><dt>failed</dt><dd>${job.failed}</dd><dt>cancelled</dt><dd>${job.cancelled}</dd>
          <dt>created</dt><dd>${when(job.createdAt)}</dd><dt>finished</dt><dd>${when(job.finishedAt)}</dd>
        </dl>
      <//>
      <${Card} title="Stages">
        <${Table} caption="Stages of the job">
          <thead><tr><th scope="col">stage</th><th scope="col">type</th><th scope="col">status</th><th scope="col">task</th></tr></thead>
          <tbody>${job.stages.map((s: any) => html`<tr><td>${s.name}</td><td>${s.type}</td><td><${Status} value=${s.status} /></td><td>${s.taskId ? html`<a href=${`#/tasks/${encodeURIComponent(s.taskId)}`}>${s.taskId}</a>` : '—'}</td></tr>`)}</tbody>
        <//>
      <//>
      <${Card} title="Failed children" wide>
        ${failedChildren.length === 0
          ? html`<p>None.</p>`
          : html`<ul>${failedChildren.map((t: any) => html`<li><a href=${`#/tasks/${encodeURIComponent(t.id)}`}>${t.id}</a> (${t.attempts} attempts)</li>`)}</ul>`}
      <//>
      ${job.error ? html`<${Card} title="Error" wide><${Json} value=${job.error} label="job error" /><//>` : null}
      ${job.result !== undefined ? html`<${Card} title="Result" wide><${Json} value=${job.result} label="job result" /><//>` : null}
    </div>
  `;
}
