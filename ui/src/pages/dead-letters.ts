import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { Card, Problem, Table } from '../components.js';
import { age } from '../format.js';
import { useLoad } from '../hooks.js';

/** `jobId`: a job's own message (its expansion or cancellation), which has no task. */
interface Letter { taskId: string; jobId?: string; type: string; pool: string; priority: string; attempts: number; error: { message: string; type?: string }; failedAt: string; queue: string }

/**
 * The tenant's dead letters per pool × priority. Looking receives the letters
 * for a moment (SQS has no peek), so this page loads on demand, not by polling.
 */
export function DeadLetters() {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [outcome, setOutcome] = useState<{ message?: string; error?: string }>({});
  const { data, error, reload, loading } = useLoad(() => get('/dlq?limit=100'), 'dlq');
  const letters = (data?.letters ?? []) as Letter[];
  const byQueue = new Map<string, Letter[]>();
  for (const letter of letters) byQueue.set(letter.queue, [...(byQueue.get(letter.queue) ?? []), letter]);

  const redrive = async (body: Record<string, unknown>): Promise<void> => {
    try {
      const { redriven, dropped } = await api('POST', '/dlq/redrive', body);
      setOutcome({ message: `Redriven ${redriven.length}${dropped.length > 0 ? `, dropped ${dropped.length} (their tasks had finished otherwise)` : ''}.` });
      setSelected(new Set());
      reload();
    } catch (e) {
      setOutcome({ error: (e as Error).message });
    }
  };
  const toggle = (id: string): void => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    setSelected(next);
  };
  const redriveAll = (): void => {
    if (confirm(`Redrive every dead letter (up to 100)? Their tasks run again with fresh attempts.`)) void redrive({ max: 100 });
  };
  const now = Date.now();
  return html`
    <div class="actions">
      <button type="button" onClick=${reload}>${loading ? 'Loading…' : 'Refresh'}</button>
      <button type="button" disabled=${selected.size === 0} onClick=${() => confirm(`Redrive ${selected.size} selected dead letter(s)? Their tasks run again with fresh attempts.`) && redrive({ taskIds: [...selected], max: 100 })}>Redrive selected (${selected.size})</button>
      <button type="button" class="danger" disabled=${letters.length === 0} onClick=${redriveAll}>Redrive all…</button>
    </div>
    ${outcome.message ? html`<p class="ok" role="status">${outcome.message}</p>` : null}
    <${Problem} error=${outcome.error ?? error} />
    ${data !== undefined && letters.length === 0 ? html`<p>No dead letters.</p>` : null}
    ${[...byQueue.entries()].map(
      ([queue, rows]) => html`<${Card} title=${`${queue} — ${rows.length} dead letter${rows.length === 1 ? '' : 's'}`} wide>
        <${Table} caption=${`Dead letters of ${queue}`}>
          <thead><tr><th scope="col">select</th><th scope="col">task</th><th scope="col">type</th><th scope="col">attempts</th><th scope="col">error</th><th scope="col">failed</th><th scope="col">action</th></tr></thead>
          <tbody>
            ${rows.map(
              (l) => html`<tr data-letter=${l.taskId}>
                <td><input type="checkbox" aria-label=${`select ${l.taskId}`} checked=${selected.has(l.taskId)} onChange=${() => toggle(l.taskId)} /></td>
                <td>${l.jobId !== undefined ? html`<a href=${`#/jobs/${encodeURIComponent(l.jobId)}`}>job ${l.jobId}</a>` : html`<a href=${`#/tasks/${encodeURIComponent(l.taskId)}`}>${l.taskId}</a>`}</td><td>${l.type}</td><td>${l.attempts}</td>
                <td class="error-text">${l.error?.type ? `${l.error.type}: ` : ''}${l.error?.message}</td><td>${age(l.failedAt, now)}</td>
                <td><button type="button" onClick=${() => confirm(`Redrive task ${l.taskId} from ${l.pool}:${l.priority}'s dead-letter queue? It runs again with fresh attempts.`) && redrive({ pool: l.pool, priority: l.priority, taskIds: [l.taskId] })}>Redrive</button></td>
              </tr>`,
            )}
          </tbody>
        <//>
      <//>`,
    )}
  `;
}
