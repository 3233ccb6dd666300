import type { Task } from './task.js';

/**
 * Concurrency keys (Hatchet's concurrency keys, BullMQ's groups): at most `limit`
 * tasks of one tenant with one key run at once. The running set of a key is one
 * item holding its holders; these pure rules decide who may join it and which
 * holders are left over from attempts that ended without releasing (a crash
 * between a task's end and its release). Pure: `now` is passed in.
 */

/** One attempt holding a slot of a key. */
export interface SlotHolder {
  readonly taskId: string;
  /** The attempt number it was taken for (the task's `attempts` once started). */
  readonly attempt: number;
  /** Epoch ms when it was taken. */
  readonly at: number;
}

/**
 * An acquirer takes its slot just before it starts the task. For this long a
 * holder whose task is still PENDING at the attempt before is presumed to be
 * starting (between the two writes), not left over.
 */
export const STARTING_GRACE_MS = 60_000;

/** May `taskId` take a slot of a key whose holders are `holders`? A holder already listed may (a repeat). */
export function hasRoomFor(holders: readonly SlotHolder[], limit: number, taskId: string): boolean {
  return holders.length < limit || holders.some((h) => h.taskId === taskId);
}

/**
 * Is this holder left over: its attempt is over (the task moved on, or is gone),
 * or it never started and its grace has passed? Such a holder may be removed by
 * anyone (conditionally on its attempt, so a fresh holder of the same task is kept).
 */
export function isLeftOver(holder: SlotHolder, task: Pick<Task, 'status' | 'attempts'> | undefined, now: Date): boolean {
  if (task === undefined) return true;
  if (task.status === 'ACTIVE') return task.attempts !== holder.attempt;
  if (task.status !== 'PENDING') return true;
  if (task.attempts >= holder.attempt) return true;
  return now.getTime() - holder.at > STARTING_GRACE_MS;
}

/**
 * How long a task kept out of its key waits before it asks again: a quarter of
 * how long the oldest holder has been running (a long runner is not polled every
 * second), at least 1 s and at most 60 s, with jitter so waiters spread out.
 */
export function slotWaitSeconds(holders: readonly SlotHolder[], now: Date, random: number): number {
  const oldest = Math.min(now.getTime(), ...holders.map((h) => h.at));
  const base = Math.min(60, Math.max(1, (now.getTime() - oldest) / 4000));
  return Math.ceil(base * (1 + random / 2));
}
