import { html } from 'htm/preact';
import { get } from '../api.js';
import { Chart } from '../charts.js';
import { Card, Figure, PRIORITIES, Problem, STATUSES, Status, Table } from '../components.js';
import { age, duration, percent, queueTimeMs, when } from '../format.js';
import { useLoad } from '../hooks.js';

/** Overview polls this often. */
const POLL_MS = 3000;

/**
 * Queue-time targets per priority. /stats carries no SLA yet, so the dashboard
 * measures recent tasks against these (and counts a task still waiting past
 * its target as a miss).
 */
export const SLA_SECONDS: Readonly<Record<string, number>> = { critical: 10, high: 60, normal: 120, low: 300 };

const BINS = [
  { label: '<100ms', upTo: 100 },
  { label: '<500ms', upTo: 500 },
  { label: '<1s', upTo: 1000 },
  { label: '<5s', upTo: 5000 },
  { label: '<30s', upTo: 30_000 },
  { label: '<2m', upTo: 120_000 },
  { label: '≥2m', upTo: Infinity },
];

interface Summary { id: string; type: string; status: string; pool: string; priority: string; createdAt: string; startedAt?: string }

export function slaCompliance(recent: readonly Summary[], waiting: readonly Summary[], now: number): { met: number; total: number } {
  let met = 0;
  let total = 0;
  for (const task of recent) {
    const ms = queueTimeMs(task);
    if (ms === undefined) continue;
    total += 1;
    if (ms <= (SLA_SECONDS[task.priority] ?? Infinity) * 1000) met += 1;
  }
  for (const task of waiting) if (now - Date.parse(task.createdAt) > (SLA_SECONDS[task.priority] ?? Infinity) * 1000) total += 1;
  return { met, total };
}

const PRIORITY_COLORS: Readonly<Record<string, string>> = { critical: '#dc2626', high: '#d97706', normal: '#2563eb', low: '#6b7280' };

interface SeriesPoint { minute: string; completed: number; failed: number; retried: number; queueTimeMs: Record<string, { p50: number; p95: number; p99: number; count: number } | undefined>; depth: Record<string, number> }

/** Attempts of a priority that started over the series. */
const startedIn = (series: readonly SeriesPoint[], priority: string): number => series.reduce((n, m) => n + (m.queueTimeMs[priority]?.count ?? 0), 0);

export function Overview() {
  const { data, error } = useLoad(
    async () => {
      const [stats, recent, pending] = await Promise.all([get('/stats'), get('/tasks?limit=100'), get('/tasks?status=PENDING&order=asc&limit=100')]);
      return { stats, recent: recent.items as Summary[], pending: pending.items as Summary[] };
    },
    'overview',
    POLL_MS,
  );
  if (data === undefined) return html`<${Problem} error=${error} />${error ? null : html`<p aria-busy="true">Loading…</p>`}`;
  const { stats, recent, pending } = data;
  const series = stats.series.minutes as SeriesPoint[];
  const minutes = series.map((m) => Date.parse(`${m.minute}:00Z`) / 1000);
  const now = Date.now();
  const q = stats.recent.queueTimeMs;
  const sla = slaCompliance(recent, pending, now);
  const oldest = new Map<string, string>();
  for (const task of pending) if (!oldest.has(`${task.pool}:${task.priority}`)) oldest.set(`${task.pool}:${task.priority}`, task.createdAt);
  const bins = BINS.map(() => 0);
  for (const task of recent) {
    const ms = queueTimeMs(task);
    if (ms !== undefined) bins[BINS.findIndex((b) => ms < b.upTo)]! += 1;
  }

  return html`
    <${Problem} error=${error} />
    <div class="grid">
      <${Card} title="Tasks by status" wide>
        <div class="figures">
          ${STATUSES.map((s) => html`<${Figure} label=${s} value=${html`<a href=${`#/tasks?status=${s}`}>${stats.tasks[s] ?? 0}</a>`} />`)}
        </div>
      <//>
      <${Card} title="Throughput and queue time">
        <div class="figures">
          <${Figure} label="finished / s" value=${stats.recent.throughputPerSecond} hint=${`last ${stats.recent.windowSeconds} s`} />
          <${Figure} label="queue p50" value=${duration(q?.p50)} />
          <${Figure} label="queue p95" value=${duration(q?.p95)} />
          <${Figure} label="queue p99" value=${duration(q?.p99)} />
        </div>
        <p class="note">Over the last ${duration(stats.recent.windowSeconds * 1000)}: ${stats.recent.completed} completed, ${stats.recent.failed} failed, ${stats.recent.retried} retried.</p>
      <//>
      <${Card} title="SLA compliance">
        <div class="figures">
          <${Figure} label="started within target" value=${sla.total === 0 ? '—' : percent(sla.met / sla.total)} hint=${`${sla.met} of ${sla.total}`} />
          <${Figure} label="deadlines met" value=${stats.recent.deadlines?.decided ? percent(stats.recent.deadlines.share) : '—'} hint=${stats.recent.deadlines ? `${stats.recent.deadlines.met} of ${stats.recent.deadlines.decided}` : ''} />
          <${Figure} label="agents online" value=${stats.workers.online} hint=${`${stats.workers.offline} offline`} />
          <${Figure} label="agent utilisation" value=${stats.workers.online ? percent(stats.workers.utilisation) : '—'} hint=${`CV ${stats.workers.utilisationCv ?? 0}`} />
        </div>
        <p class="note">Targets: ${Object.entries(SLA_SECONDS).map(([p, s]) => `${p} ${s} s`).join(', ')}. Deadlines met: of the tasks with a deadline that started or expired in the last minutes, how many started in time.</p>
      <//>
      <${Card} title="Last hour" wide>
        <div class="charts">
          <${Chart} title="Finished per minute" series=${[{ label: 'completed', color: '#059669' }, { label: 'failed', color: '#dc2626' }, { label: 'retried', color: '#d97706' }]} data=${[minutes, series.map((m) => m.completed), series.map((m) => m.failed), series.map((m) => m.retried)]} />
          <${Chart}
            title="Queue time p95 per priority (ms)"
            series=${PRIORITIES.map((p) => ({ label: p, color: PRIORITY_COLORS[p] }))}
            data=${[minutes, ...PRIORITIES.map((p) => series.map((m) => m.queueTimeMs[p]?.p95 ?? null))]}
          />
          <${Chart}
            title="Waiting per priority"
            series=${PRIORITIES.map((p) => ({ label: p, color: PRIORITY_COLORS[p] }))}
            data=${[minutes, ...PRIORITIES.map((p) => series.map((m) => m.depth[p] ?? 0))]}
          />
          <${Chart}
            title="Queue-time distribution (recent tasks)"
            bars
            xLabels=${BINS.map((b) => b.label)}
            series=${[{ label: 'tasks', color: '#7c3aed' }]}
            data=${[BINS.map((_, i) => i), bins]}
          />
        </div>
        <${Table} caption="Queue time per priority, last hour">
          <thead><tr><th scope="col">priority</th><th scope="col">started</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th></tr></thead>
          <tbody>
            ${PRIORITIES.map((p) => {
              const q = stats.series.queueTimeByPriority?.[p];
              return html`<tr data-priority=${p}><td>${p}</td><td>${startedIn(series, p)}</td><td>${duration(q?.p50)}</td><td>${duration(q?.p95)}</td><td>${duration(q?.p99)}</td></tr>`;
            })}
          </tbody>
        <//>
        <p class="note">Charts and table read the per-minute aggregates <code>/stats</code> keeps for a day, so they survive a reload. Percentiles come from a sketch: within about 2 %.</p>
      <//>
      <${Card} title="Queues (pool × priority)" wide>
        <${Table} caption="Depth and oldest waiting task per queue">
          <thead><tr><th scope="col">pool</th><th scope="col">priority</th><th scope="col">waiting</th><th scope="col">delayed</th><th scope="col">in flight</th><th scope="col">dead letters</th><th scope="col">oldest waiting</th></tr></thead>
          <tbody>
            ${stats.queues.map(
              (row: any) => html`<tr>
                <td>${row.pool}</td><td>${row.priority}</td><td>${row.visible}</td><td>${row.delayed}</td><td>${row.inFlight}</td>
                <td>${row.deadLetters > 0 ? html`<a href="#/dlq" class="warn">${row.deadLetters}</a>` : 0}</td>
                <td>${row.visible + row.delayed === 0 ? 'nothing waiting' : age(oldest.get(`${row.pool}:${row.priority}`), now)}</td>
              </tr>`,
            )}
          </tbody>
        <//>
      <//>
      <${Card} title="Circuits" wide>
        <${Table} caption="Each pool's circuit breaker">
          <thead><tr><th scope="col">pool</th><th scope="col">state</th><th scope="col">consecutive failures</th><th scope="col">since</th><th scope="col">cool-down</th></tr></thead>
          <tbody>
            ${Object.entries(stats.circuits).map(([pool, c]: [string, any]) => {
              const cooldown = stats.circuitCooldownSeconds?.[pool];
              const until = c.since !== undefined && cooldown !== undefined ? Date.parse(c.since) + cooldown * 1000 : undefined;
              return html`<tr>
                <td>${pool}</td><td><${Status} value=${c.status} /></td><td>${c.consecutiveFailures}</td><td>${when(c.since)}</td>
                <td>${c.status === 'OPEN' && until !== undefined ? `probes in ${duration(Math.max(0, until - now))}` : cooldown !== undefined ? `${cooldown} s` : '—'}</td>
              </tr>`;
            })}
          </tbody>
        <//>
      <//>
      ${stats.rateLimits !== undefined && stats.rateLimits.length > 0
        ? html`<${Card} title="Rate limits" wide>
            <${Table} caption="Starts allowed per task type, and the tokens in use now">
              <thead><tr><th scope="col">type</th><th scope="col">limit</th><th scope="col">used</th><th scope="col">next start</th></tr></thead>
              <tbody>
                ${stats.rateLimits.map(
                  (l: any) => html`<tr>
                    <td>${l.type}</td><td>${l.limit} per ${l.per}</td><td>${l.used >= l.limit ? html`<span class="warn">${l.used} (full)</span>` : l.used}</td>
                    <td>${l.nextAt !== undefined ? `in ${duration(Math.max(0, Date.parse(l.nextAt) - now))}` : 'now'}</td>
                  </tr>`,
                )}
              </tbody>
            <//>
          <//>`
        : null}
    </div>
  `;
}
