import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Loads with `load` when `key` changes, and again every `everyMs` while the tab
 * is visible (0: only on demand). A stale answer never overwrites a newer one.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, everyMs = 0): Loaded<T> {
  type State = { data?: T; error?: string; loading: boolean };
  const [state, setState] = useState<State>({ loading: true });
  const seq = useRef(0);
  const busy = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => {
    const mine = ++seq.current;
    busy.current = true;
    setState((s) => ({ ...s, loading: true }));
    const settle = (next: (s: State) => State): void => {
      if (mine !== seq.current) return;
      busy.current = false;
      setState(next);
    };
    loadRef.current().then(
      (data) => settle(() => ({ data, loading: false })),
      (error: Error) => settle((s) => ({ ...s, error: error.message, loading: false })),
    );
  }, []);
  useEffect(() => {
    setState({ loading: true });
    reload();
  }, [key]);
  // Its own effect, so a caller that starts or stops polling keeps what it shows.
  useEffect(() => {
    if (everyMs <= 0) return undefined;
    // A poll waits for the one before it: on a slow API, overlapping polls would each supersede the last and none would show.
    const timer = setInterval(() => document.visibilityState === 'visible' && !busy.current && reload(), everyMs);
    return () => clearInterval(timer);
  }, [key, everyMs]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export interface Route {
  readonly parts: readonly string[];
  readonly params: URLSearchParams;
}

/** The page's hash route: `#/tasks/abc?x=1` → parts ['tasks', 'abc'], params x=1. */
export function useRoute(): Route {
  const read = (): Route => {
    const [path = '', search = ''] = location.hash.replace(/^#\/?/, '').split('?');
    return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = (): void => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
