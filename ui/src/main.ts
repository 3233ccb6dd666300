import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { adoptTokenFromHash, get, getToken, SIGNED_OUT_EVENT, signOut } from './api.js';
import { useLoad, useRoute } from './hooks.js';
import { Agents } from './pages/agents.js';
import { DeadLetters } from './pages/dead-letters.js';
import { JobDetail, Jobs } from './pages/jobs.js';
import { Overview } from './pages/overview.js';
import { SignIn } from './pages/sign-in.js';
import { TaskDetail } from './pages/task-detail.js';
import { Tasks } from './pages/tasks.js';
import { Schedules } from './pages/schedules.js';
import { Events } from './pages/events.js';
import { Webhooks } from './pages/webhooks.js';
import { WebhookDetail } from './pages/webhook-detail.js';
import { RateLimits } from './pages/rate-limits.js';
import { api, ApiError } from './api.js';

const PAGES = [
  { path: 'overview', label: 'Overview' },
  { path: 'tasks', label: 'Tasks' },
  { path: 'jobs', label: 'Jobs' },
  { path: 'dlq', label: 'Dead letters' },
  { path: 'agents', label: 'Agents' },
  { path: 'schedules', label: 'Schedules' },
  { path: 'webhooks', label: 'Webhooks' },
  { path: 'limits', label: 'Rate limits' },
  { path: 'events', label: 'Events' },
] as const;

/**
 * Where an id leads: the first of task, job, schedule that the API knows by it
 * (ids are opaque, so each kind is asked; a 404 moves on to the next).
 */
async function findById(id: string): Promise<string | undefined> {
  for (const kind of ['tasks', 'jobs', 'schedules']) {
    try {
      await api('GET', `/${kind}/${encodeURIComponent(id)}`);
      return kind === 'schedules' ? `#/schedules` : `#/${kind}/${encodeURIComponent(id)}`;
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 400)) throw e;
    }
  }
  return undefined;
}

function Search() {
  const [id, setId] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const go = async (e: Event): Promise<void> => {
    e.preventDefault();
    const wanted = id.trim();
    if (wanted === '') return;
    try {
      const to = await findById(wanted);
      setProblem(to === undefined ? `No task, job or schedule ${wanted}.` : undefined);
      if (to !== undefined) location.hash = to;
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  return html`<form class="search" role="search" onSubmit=${go}>
    <label for="find" class="visually-hidden">Find by id</label>
    <input id="find" type="search" placeholder="task, job or schedule id" value=${id} onInput=${(e: Event) => setId((e.currentTarget as HTMLInputElement).value)} />
    <button type="submit">Find</button>
    ${problem ? html`<span class="problem" role="alert">${problem}</span>` : null}
  </form>`;
}

function TasksPage({ status }: { status: string }) {
  const { data } = useLoad(() => get('/stats'), 'pools');
  const pools = [...new Set(((data?.queues ?? []) as { pool: string }[]).map((q) => q.pool))];
  return html`<${Tasks} initialStatus=${status} pools=${pools} />`;
}

function Page() {
  const { parts, params } = useRoute();
  const [page = 'overview', id] = parts;
  useEffect(() => {
    document.title = `${PAGES.find((p) => p.path === page)?.label ?? 'taskfleet'} · taskfleet`;
    document.getElementById('main')?.focus();
  }, [page, id]);
  const body =
    page === 'tasks' && id !== undefined ? html`<${TaskDetail} id=${id} key=${id} />`
    : page === 'tasks' ? html`<${TasksPage} status=${params.get('status') ?? ''} key=${params.get('status') ?? ''} />`
    : page === 'jobs' && id !== undefined ? html`<${JobDetail} id=${id} key=${id} />`
    : page === 'jobs' ? html`<${Jobs} />`
    : page === 'dlq' ? html`<${DeadLetters} />`
    : page === 'agents' ? html`<${Agents} />`
    : page === 'schedules' ? html`<${Schedules} />`
    : page === 'webhooks' && id !== undefined ? html`<${WebhookDetail} id=${id} key=${id} />`
    : page === 'webhooks' ? html`<${Webhooks} />`
    : page === 'limits' ? html`<${RateLimits} />`
    : page === 'events' ? html`<${Events} initialId=${params.get('task') ?? params.get('job') ?? ''} key=${params.toString()} />`
    : html`<${Overview} />`;
  const title = PAGES.find((p) => p.path === page)?.label ?? 'Overview';
  return html`
    <a class="skip" href="#main" onClick=${(e: Event) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
    <header class="top">
      <span class="brand">taskfleet</span>
      <nav aria-label="Pages">
        ${PAGES.map((p) => html`<a href=${`#/${p.path}`} aria-current=${p.path === page ? 'page' : undefined}>${p.label}</a>`)}
      </nav>
      <${Search} />
      <button type="button" class="link" onClick=${() => signOut()}>Sign out</button>
    </header>
    <main id="main" tabindex="-1" data-page=${page}>
      ${id === undefined ? html`<h1>${title}</h1>` : null}
      ${body}
    </main>
  `;
}

function App() {
  const [signedIn, setSignedIn] = useState(getToken() !== null);
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    const onSignedOut = (event: Event): void => {
      setRefused((event as CustomEvent<{ refused: boolean }>).detail.refused);
      setSignedIn(false);
    };
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, []);
  if (!signedIn) return html`<${SignIn} refused=${refused} onSignedIn=${() => { setRefused(false); setSignedIn(true); }} />`;
  return html`<${Page} />`;
}

adoptTokenFromHash();
render(html`<${App} />`, document.getElementById('app') as HTMLElement);
