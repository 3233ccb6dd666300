/** Priorities, highest first. The order is the scheduling order. */
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const DEFAULT_PRIORITY: Priority = 'normal';

/** 0 for critical … 3 for low: smaller runs first. */
export function priorityRank(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}
