import type { Json, TaskView } from './domain/task.js';

export interface ChildResult {
  readonly index: number;
  readonly result: Json;
}

/** What a handler is told about its task, the same on Lambda and on an agent. */
export type TaskInfo = Pick<TaskView, 'id' | 'type' | 'payload' | 'priority' | 'pool' | 'timeoutSeconds'>;

/** What a task handler gets besides its payload. */
export interface TaskContext {
  /** Reports progress (0…1); shown by GET /tasks/{id}. Cheap to call often: writes are throttled. */
  progress(fraction: number, message?: string): Promise<void>;
  /** Aborted when the task times out or is cancelled: stop work and return. */
  readonly signal: AbortSignal;
  /** 1 on the first attempt. */
  readonly attempt: number;
  readonly task: TaskInfo;
  /** For a job's reduce task: the children's results, read page by page (completed children only). */
  readonly childResults?: () => AsyncIterable<ChildResult>;
}

export type TaskHandler = (payload: Json, ctx: TaskContext) => Promise<Json | void> | Json | void;

/** task `type` → handler */
export type HandlerRegistry = Readonly<Record<string, TaskHandler>>;

/** Throw this to fail the task at once, without retries (bad input, not a passing fault). */
export class UnrecoverableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnrecoverableError';
  }
}
