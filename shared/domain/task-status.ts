export const TASK_STATUS = {
  PENDING: 'PENDING',
  ACTIVE: 'ACTIVE',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
  EXPIRED: 'EXPIRED',
} as const;
export type TaskStatus = (typeof TASK_STATUS)[keyof typeof TASK_STATUS];

export const TASK_STATUSES = Object.values(TASK_STATUS) as readonly TaskStatus[];

/** Where every accepted task ends: the statuses no transition leaves. */
export const TERMINAL_STATUSES: readonly TaskStatus[] = [TASK_STATUS.COMPLETED, TASK_STATUS.FAILED, TASK_STATUS.CANCELLED, TASK_STATUS.EXPIRED];

const TERMINAL: ReadonlySet<TaskStatus> = new Set(TERMINAL_STATUSES);

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL.has(status);
}
