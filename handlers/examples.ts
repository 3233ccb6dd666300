import { setTimeout as wait } from 'node:timers/promises';
import type { Json } from '../shared/domain/task.js';
import type { TaskHandler } from '../shared/handlers.js';

function numberField(payload: Json, name: string, fallback: number): number {
  const value = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload[name] : undefined;
  return typeof value === 'number' ? value : fallback;
}

/** Returns its payload. */
export const echo: TaskHandler = (payload) => payload;

/** Sleeps `{ms}` (default 1000) in ten steps, reporting progress; stops when aborted. */
export const sleep: TaskHandler = async (payload, ctx) => {
  const ms = numberField(payload, 'ms', 1000);
  const steps = 10;
  for (let step = 1; step <= steps; step++) {
    await wait(ms / steps, undefined, { signal: ctx.signal });
    await ctx.progress(step / steps, `step ${step} of ${steps}`);
  }
  return { sleptMs: ms };
};

/** Throws on the first `{times}` attempts (default 1), then returns `{attempt}`. */
export const fail: TaskHandler = (payload, ctx) => {
  const times = numberField(payload, 'times', 1);
  if (ctx.attempt <= times) throw new Error(`planned failure ${ctx.attempt} of ${times}`);
  return { attempt: ctx.attempt };
};
