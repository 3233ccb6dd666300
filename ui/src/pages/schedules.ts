import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { Problem, Status, Table } from '../components.js';
import { age, when } from '../format.js';
import { useLoad } from '../hooks.js';

interface ScheduleView { id: string; cron?: string; every?: string; timezone: string; status: string; nextRunAt?: string; lastRunAt?: string; lastTaskId?: string; runs: number; skipped: number; task: { type?: string } }

/** Schedules: when each runs next, its last run, and pause / resume / run now (each confirmed, naming the schedule). */
export function Schedules() {
  const [outcome, setOutcome] = useState<{ message?: string; taskId?: string; error?: string }>({});
  const { data, error, reload } = useLoad(() => get('/schedules'), 'schedules', 5000);
  const change = async (s: ScheduleView, verb: 'pause' | 'resume'): Promise<void> => {
    const what = verb === 'pause' ? `Pause schedule ${s.id} (${s.task.type ?? 'task'}, ${s.cron ?? `every ${s.every}`})? No run starts until it is resumed.` : `Resume schedule ${s.id}? Its next run is computed from now.`;
    if (!confirm(what)) return;
    try {
      await api('POST', `/schedules/${encodeURIComponent(s.id)}/${verb}`);
      setOutcome({ message: verb === 'pause' ? `Paused ${s.id}.` : `Resumed ${s.id}.` });
      reload();
    } catch (e) {
      setOutcome({ error: (e as Error).message });
    }
  };
  const runNow = async (s: ScheduleView): Promise<void> => {
    const next = s.nextRunAt ? ` Its next run stays at ${when(s.nextRunAt)}.` : '';
    if (!confirm(`Run schedule ${s.id}'s task (${s.task.type ?? 'task'}) now?${next}`)) return;
    try {
      const task = await api<{ id: string }>('POST', `/schedules/${encodeURIComponent(s.id)}/run`);
      setOutcome({ message: `Submitted task ${task.id}.`, taskId: task.id });
      reload();
    } catch (e) {
      setOutcome({ error: (e as Error).message });
    }
  };
  const items = (data?.items ?? []) as ScheduleView[];
  const now = Date.now();
  return html`
    ${outcome.message ? html`<p class="ok" role="status">${outcome.message}${outcome.taskId ? html` <a href=${`#/tasks/${encodeURIComponent(outcome.taskId)}`}>Open it</a>` : null}</p>` : null}
    <${Problem} error=${outcome.error ?? error} />
    <${Table} caption="Schedules, their next and last runs">
      <thead><tr><th scope="col">schedule</th><th scope="col">task type</th><th scope="col">when</th><th scope="col">status</th><th scope="col">next run</th><th scope="col">last run</th><th scope="col">runs · skipped</th><th scope="col"></th></tr></thead>
      <tbody>
        ${items.map(
          (s) => html`<tr data-schedule=${s.id}>
            <td><code>${s.id}</code></td><td>${s.task.type ?? '—'}</td><td>${s.cron ?? `every ${s.every}`} <span class="note">${s.timezone}</span></td><td><${Status} value=${s.status} /></td>
            <td>${s.nextRunAt ? when(s.nextRunAt) : '—'}</td>
            <td>${s.lastRunAt ? html`${age(s.lastRunAt, now)}${s.lastTaskId ? html` · <a href=${`#/tasks/${encodeURIComponent(s.lastTaskId)}`}>${s.lastTaskId}</a>` : null}` : '—'}</td>
            <td>${s.runs} · ${s.skipped}</td>
            <td>
              ${s.status === 'active' ? html`<button type="button" onClick=${() => change(s, 'pause')}>Pause</button>` : s.status === 'paused' ? html`<button type="button" onClick=${() => change(s, 'resume')}>Resume</button>` : null}
              ${s.status !== 'ended' ? html`<button type="button" onClick=${() => runNow(s)}>Run now</button>` : null}
            </td>
          </tr>`,
        )}
        ${items.length === 0 ? html`<tr><td colspan="8">No schedules.</td></tr>` : null}
      </tbody>
    <//>
  `;
}
