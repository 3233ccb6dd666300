/**
 * The Lambda invocations a local stack makes on a route, the authorizer or a
 * pool worker: which function and how long its handler ran. The cost bench
 * prices Lambda requests and GB-seconds from them (the stream consumer has its
 * own, `observeStreamInvocations`). One per stack: the stack owns its observers.
 */
export interface Invocation {
  /** The function's construct id: a route's `functionName`, `Authorizer`, or `worker-<pool>`. */
  readonly functionName: string;
  readonly ms: number;
}

export class InvocationTimer {
  private readonly observers = new Set<(invocation: Invocation) => void>();

  /** Tells `observer` of every invocation from now on; returns the unsubscribe. */
  observe(observer: (invocation: Invocation) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Runs `run` as one invocation of `functionName`, timed when anyone observes. */
  async timed<T>(functionName: string, run: () => Promise<T>): Promise<T> {
    if (this.observers.size === 0) return run();
    const started = performance.now();
    try {
      return await run();
    } finally {
      const invocation = { functionName, ms: performance.now() - started };
      for (const observe of this.observers) observe(invocation);
    }
  }
}
