/** Display helpers: ages, durations and dates a person reads at a glance. */

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${Math.round(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} m`;
  return `${Math.floor(s / 86400)} d ${Math.round((s % 86400) / 3600)} h`;
}

export function age(iso: string | undefined, now = Date.now()): string {
  if (iso === undefined) return '—';
  return `${duration(now - Date.parse(iso))} ago`;
}

export function when(iso: string | undefined): string {
  if (iso === undefined) return '—';
  return new Date(iso).toLocaleString(undefined, { hour12: false });
}

export const pretty = (value: unknown): string => JSON.stringify(value, null, 2);

export const percent = (fraction: number): string => `${Math.round(fraction * 1000) / 10} %`;

/** Queue time of a task that started: createdAt → startedAt. */
export function queueTimeMs(task: { createdAt: string; startedAt?: string }): number | undefined {
  return task.startedAt === undefined ? undefined : Date.parse(task.startedAt) - Date.parse(task.createdAt);
}
