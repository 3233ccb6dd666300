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

const PAGES = [
  { path: 'overview', label: 'Overview' },
  { path: 'tasks', label: 'Tasks' },
  { path: 'jobs', label: 'Jobs' },
  { path: 'dlq', label: 'Dead letters' },
  { path: 'agents', label: 'Agents' },
] as const;

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
    : html`<${Overview} />`;
  const title = PAGES.find((p) => p.path === page)?.label ?? 'Overview';
  return html`
    <a class="skip" href="#main" onClick=${(e: Event) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
    <header class="top">
      <span class="brand">taskfleet</span>
      <nav aria-label="Pages">
        ${PAGES.map((p) => html`<a href=${`#/${p.path}`} aria-current=${p.path === page ? 'page' : undefined}>${p.label}</a>`)}
      </nav>
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
