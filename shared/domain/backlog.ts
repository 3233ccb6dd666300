import { PRIORITIES, type Priority } from './priority.js';

/**
 * The age in whole seconds of the longest-waiting task of each priority, from when
 * each became ready; 0 for a priority with none. Pure: `now` is passed in.
 */
export function oldestWaitingSeconds(tasks: readonly { readonly priority: Priority; readonly readySince: string }[], now: Date): Record<Priority, number> {
  const oldest = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  for (const task of tasks) {
    const age = Math.max(0, Math.floor((now.getTime() - Date.parse(task.readySince)) / 1000));
    if (Number.isFinite(age) && age > oldest[task.priority]) oldest[task.priority] = age;
  }
  return oldest;
}

/** The larger of two per-priority figures, priority by priority. */
export function maxByPriority(a: Readonly<Record<Priority, number>>, b: Readonly<Record<Priority, number>>): Record<Priority, number> {
  return Object.fromEntries(PRIORITIES.map((p) => [p, Math.max(a[p], b[p])])) as Record<Priority, number>;
}
