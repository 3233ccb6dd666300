/** Display helpers: ages, durations and dates a person reads at a glance. */

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  // Round to the whole smallest unit shown first, then split: 539.6 s is "9 m 0 s", never "8 m 60 s".
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${s % 60} s`;
  const m = Math.round(s / 60);
  if (m < 1440) return `${Math.floor(m / 60)} h ${m % 60} m`;
  const h = Math.round(m / 60);
  return `${Math.floor(h / 24)} d ${h % 24} h`;
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
