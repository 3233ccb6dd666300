import type { Json, TaskView } from './types.js';

/**
 * One completed child's result, as a job's reduce task reads them.
 *
 * @example
 * ```ts
 * for await (const { index, result } of ctx.childResults?.() ?? []) console.log(index, result);
 * ```
 */
export interface ChildResult {
  /** The child's position in the job's `map.items`. */
  readonly index: number;
  /** What the child returned. */
  readonly result: Json;
}

/**
 * What a handler is told about its task, the same on Lambda and on an agent.
 *
 * @example
 * ```ts
 * const handler: TaskHandler = (payload, ctx) => console.log(ctx.task.id, ctx.task.type);
 * ```
 */
export type TaskInfo = Pick<TaskView, 'id' | 'type' | 'payload' | 'priority' | 'pool' | 'timeoutSeconds'>;

/**
 * What a task handler gets besides its payload (the SDK's copy of the server's
 * contract, so the package needs nothing of the server).
 *
 * @example
 * ```ts
 * const handler: TaskHandler = async (payload, ctx) => {
 *   await ctx.progress(0.5, 'half way');
 *   if (ctx.signal.aborted) return;
 *   return { attempt: ctx.attempt };
 * };
 * ```
 */
export interface TaskContext {
  /** Reports progress (0…1); shown by GET /tasks/{id}. Cheap to call often: writes are throttled. */
  progress(fraction: number, message?: string): Promise<void>;
  /** Aborted when the task times out or is cancelled: stop work and return. */
  readonly signal: AbortSignal;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** The task being run. */
  readonly task: TaskInfo;
  /** For a job's reduce task: the children's results, read page by page (completed children only). */
  readonly childResults?: () => AsyncIterable<ChildResult>;
}

/**
 * A handler of one task type: JSON in, JSON (or nothing) out. Throw to fail the
 * attempt (it is retried); throw `UnrecoverableError` to fail the task for good.
 *
 * @example
 * ```ts
 * const echo: TaskHandler = (payload) => payload;
 * ```
 */
export type TaskHandler = (payload: Json, ctx: TaskContext) => Promise<Json | void> | Json | void;

/**
 * Task `type` → handler.
 *
 * @example
 * ```ts
 * const handlers: HandlerRegistry = { echo: (payload) => payload };
 * ```
 */
export type HandlerRegistry = Readonly<Record<string, TaskHandler>>;

/**
 * Throw this from a handler to fail the task at once, without retries (bad
 * input, not a passing fault). The Worker also honours an error of this name
 * thrown from the server's own `UnrecoverableError`.
 *
 * @example
 * ```ts
 * const resize: TaskHandler = (payload) => {
 *   if (typeof payload !== 'string') throw new UnrecoverableError('payload must be a URL');
 *   return payload;
 * };
 * ```
 */
export class UnrecoverableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnrecoverableError';
  }
}

/** Whether `error` is an UnrecoverableError: this SDK's, or the server's class of the same name (handlers shared with Lambda). */
export const isUnrecoverable = (error: unknown): boolean => error instanceof UnrecoverableError || (error instanceof Error && error.name === 'UnrecoverableError');
