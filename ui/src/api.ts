/**
 * The API the page came from, and the token it calls it with. The token lives
 * in sessionStorage (this tab, this session); a `#token=` fragment, which
 * never reaches a server, is moved there and cleared from the address bar.
 */
const TOKEN_KEY = 'taskfleet.token';
export const SIGNED_OUT_EVENT = 'taskfleet:signed-out';

/** `/ui` is served beside the API routes: strip it to get the API's base path. */
export const apiBase = location.pathname.replace(/\/ui\/?$/, '');

export function adoptTokenFromHash(): void {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (match?.[1] === undefined) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', `${location.pathname}${location.search}#/overview`);
}

export const getToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);

/** Forgets the token; `refused` says the API turned it down (not the user's choice). */
export function signOut(refused = false): void {
  sessionStorage.removeItem(TOKEN_KEY);
  window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT, { detail: { refused } }));
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One API call with the session's token; a 401/403 signs out. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const token = getToken();
  if (token === null) throw new ApiError(401, 'not signed in');
  const response = await fetch(`${apiBase}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const data = text === '' ? undefined : JSON.parse(text);
  if (response.status === 401 || response.status === 403) {
    signOut(true);
    throw new ApiError(response.status, 'the token was refused');
  }
  if (!response.ok) {
    const fields = data?.error?.fields?.map((f: { field: string; message: string }) => `${f.field} ${f.message}`).join('; ');
    throw new ApiError(response.status, fields || data?.error?.message || data?.message || response.statusText);
  }
  return data as T;
}

export const get = <T = any>(path: string): Promise<T> => api<T>('GET', path);

export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
