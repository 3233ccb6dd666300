import type { TaskHandler } from '../shared/handlers.js';

/** Returns its payload. */
export const echo: TaskHandler = (payload) => payload;

/** Sleeps `{ms}` (default 1000) in ten steps, reporting progress; stops when aborted. */
export const sleep: TaskHandler = async (payload, ctx) => {
  const ms = typeof payload === 'object' && payload !== null && !Array.isArray(payload) && typeof payload.ms === 'number' ? payload.ms : 1000;
  const steps = 10;
  for (let step = 1; step <= steps; step++) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms / steps);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      }, { once: true });
    });
    await ctx.progress(step / steps, `step ${step} of ${steps}`);
  }
  return { sleptMs: ms };
};

/** Throws on the first `{times}` attempts (default 1), then returns `{attempt}`. */
export const fail: TaskHandler = (payload, ctx) => {
  const times = typeof payload === 'object' && payload !== null && !Array.isArray(payload) && typeof payload.times === 'number' ? payload.times : 1;
  if (ctx.attempt <= times) throw new Error(`planned failure ${ctx.attempt} of ${times}`);
  return { attempt: ctx.attempt };
};
