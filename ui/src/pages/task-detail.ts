import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { Bar, Card, Json, Problem, Status, Table } from '../components.js';
import { age, duration, queueTimeMs, when } from '../format.js';
import { useLoad } from '../hooks.js';
import { attemptsOf, storyComplete, type TaskEvent } from '../attempts.js';

const LIVE = new Set(['PENDING', 'ACTIVE']);

/**
 * Retry: a FAILED task is redriven (its dead letter replayed: same id, fresh
 * attempts); a task that finished otherwise is submitted again as a copy (a
 * new id), since it has no letter to replay.
 */
async function retry(task: any): Promise<{ message: string; goTo?: string }> {
  if (task.status === 'FAILED') {
    const { redriven } = await api('POST', '/dlq/redrive', { pool: task.pool, priority: task.priority, taskIds: [task.id] });
    return { message: redriven.includes(task.id) ? 'Redriven from its dead-letter queue: it runs again with fresh attempts.' : 'Its dead letter was not found (yet); try again in a moment.' };
  }
  const copy = await api('POST', '/tasks', {
    type: task.type,
    payload: task.payload,
    priority: task.priority,
    ...(task.requires?.length ? { requires: task.requires } : {}),
    maxAttempts: task.maxAttempts,
    timeoutSeconds: task.timeoutSeconds,
  });
  return { message: `Submitted a copy: ${copy.id}.`, goTo: `#/tasks/${encodeURIComponent(copy.id)}` };
}

/** The task's events from the tenant's log, from its creation on (a few pages at most). */
async function eventsOf(task: { id: string; createdAt: string }): Promise<TaskEvent[]> {
  const mine: TaskEvent[] = [];
  let after = new Date(Date.parse(task.createdAt) - 1000).toISOString();
  for (let page = 0; page < 10; page++) {
    const { items, next } = await get(`/events?limit=500&after=${encodeURIComponent(after)}`);
    mine.push(...(items as TaskEvent[]).filter((e) => e.task?.id === task.id));
    if (items.length < 500 || next === undefined) break;
    after = next;
  }
  return mine;
}

/** Asks again every few seconds until the log has caught up with the record. */
const STORY_POLL_MS = 3000;

function Attempts({ task }: { task: { id: string; status: string; createdAt: string; updatedAt: string } }) {
  const [complete, setComplete] = useState(false);
  const { data: events, error } = useLoad(() => eventsOf(task), `${task.id}:${task.updatedAt}`, complete ? 0 : STORY_POLL_MS);
  useEffect(() => setComplete(events !== undefined && storyComplete(task.status, events)), [events, task.status]);
  if (events === undefined) return html`<${Problem} error=${error} />`;
  const attempts = attemptsOf(events);
  return html`
    <${Table} caption="Each attempt: when, how long, and why it ended">
      <thead><tr><th scope="col">#</th><th scope="col">ran on</th><th scope="col">started</th><th scope="col">ended</th><th scope="col">started after creation</th><th scope="col">ran</th><th scope="col">outcome</th><th scope="col">error</th></tr></thead>
      <tbody>
        ${attempts.map(
          (a) => html`<tr data-attempt=${a.n}>
            <td>${a.n}</td><td>${a.worker !== undefined ? html`<code>${a.worker}</code>` : '—'}</td><td>${when(a.startedAt)}</td><td>${when(a.endedAt)}</td><td>${duration(a.queueTimeMs)}</td><td>${duration(a.runTimeMs)}</td><td>${a.outcome}</td>
            <td>${a.error ? html`<details><summary>${a.error.message ?? a.error.type ?? 'error'}</summary><pre class="json">${a.error.stack ?? ''}</pre></details>` : '—'}</td>
          </tr>`,
        )}
        ${attempts.length === 0 ? html`<tr><td colspan="8">No attempt yet.</td></tr>` : null}
      </tbody>
    <//>
    <p class="note"><a href=${`#/events?task=${encodeURIComponent(task.id)}`}>All its events</a></p>
  `;
}

export function TaskDetail({ id }: { id: string }) {
  const [outcome, setOutcome] = useState<{ message?: string; error?: string }>({});
  const { data: task, error, reload } = useLoad(() => get(`/tasks/${encodeURIComponent(id)}?include=payload,result`), id, 2000);
  const act = async (action: () => Promise<{ message: string; goTo?: string }>): Promise<void> => {
    try {
      const { message, goTo } = await action();
      setOutcome({ message });
      if (goTo !== undefined) location.hash = goTo;
      reload();
    } catch (e) {
      setOutcome({ error: (e as Error).message });
    }
  };
  if (task === undefined) return html`<${Problem} error=${error} />`;
  const now = Date.now();
  return html`
    <p><a href="#/tasks">← all tasks</a></p>
    <h2 class="title">Task <code>${task.id}</code> <${Status} value=${task.status} /></h2>
    <div class="actions">
      ${LIVE.has(task.status)
        ? html`<button type="button" class="danger" onClick=${() => confirm(`Cancel task ${task.id} (${task.type}, ${task.status})? It will not run again.`) && act(async () => (await api('DELETE', `/tasks/${encodeURIComponent(task.id)}`), { message: 'Cancelled.' }))}>Cancel task</button>`
        : html`<button type="button" onClick=${() => act(() => retry(task))}>${task.status === 'FAILED' ? 'Retry (redrive)' : 'Retry (submit a copy)'}</button>`}
    </div>
    ${outcome.message ? html`<p class="ok" role="status">${outcome.message}</p>` : null}
    <${Problem} error=${outcome.error ?? error} />
    <div class="grid">
      <${Card} title="Summary">
        <dl class="facts">
          <dt>type</dt><dd>${task.type}</dd>
          <dt>pool · priority</dt><dd>${task.pool} · ${task.priority}</dd>
          <dt>attempts</dt><dd>${task.attempts} of ${task.maxAttempts}</dd>
          <dt>progress</dt><dd>${task.progress ? html`<${Bar} fraction=${task.progress.fraction} label="task progress" /> ${task.progress.message ?? ''}` : task.status === 'COMPLETED' ? html`<${Bar} fraction=${1} label="task progress" />` : '—'}</dd>
          <dt>worker</dt><dd>${task.worker ?? '—'}</dd>
          <dt>lease expires</dt><dd>${task.leaseExpiresAt ? `${when(task.leaseExpiresAt)}` : '—'}</dd>
          <dt>requires</dt><dd>${task.requires?.length ? task.requires.join(', ') : '—'}</dd>
          <dt>job</dt><dd>${task.job ? html`<a href=${`#/jobs/${encodeURIComponent(task.job.id)}`}>${task.job.id}</a> (${task.job.role}${task.job.index !== undefined ? ` #${task.job.index}` : ''})` : '—'}</dd>
          <dt>next stage</dt><dd>${task.then ? task.then.type : '—'}</dd>
        </dl>
      <//>
      <${Card} title="Timestamps">
        <${Table} caption="When it happened">
          <tbody>
            <tr><th scope="row">created</th><td>${when(task.createdAt)}</td><td>${age(task.createdAt, now)}</td></tr>
            <tr><th scope="row">started</th><td>${when(task.startedAt)}</td><td>queued ${duration(queueTimeMs(task))}</td></tr>
            <tr><th scope="row">finished</th><td>${when(task.finishedAt)}</td><td>${task.finishedAt && task.startedAt ? `ran ${duration(Date.parse(task.finishedAt) - Date.parse(task.startedAt))}` : ''}</td></tr>
            <tr><th scope="row">updated</th><td>${when(task.updatedAt)}</td><td>${age(task.updatedAt, now)}</td></tr>
            ${task.deadline ? html`<tr><th scope="row">deadline</th><td>${when(task.deadline)}</td><td></td></tr>` : null}
          </tbody>
        <//>
      <//>
      <${Card} title="Attempts" wide><${Attempts} task=${task} /><//>
      <${Card} title="Payload" wide><${Json} value=${task.payload} label="payload" /><//>
      ${task.error ? html`<${Card} title="Error" wide><${Json} value=${task.error} label="error" /><//>` : null}
      ${task.result !== undefined ? html`<${Card} title="Result" wide><${Json} value=${task.result} label="result" /><//>` : null}
    </div>
  `;
}
