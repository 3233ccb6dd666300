/**
 * Counts AWS API calls per service and operation, with an SDK middleware on the
 * clients a stack builds when it is given a counter (the local runtime makes one
 * per stack; a Lambda none). The benchmark reads it to print calls per task.
 */

type Next = (args: unknown) => Promise<unknown>;
type AddInitializeMiddleware = (
  middleware: (next: Next, context: { commandName?: string }) => Next,
  options: { step: 'initialize'; name: string },
) => void;

/** Any AWS SDK v3 client (each has its own middleware-stack types). */
export interface CountableClient {
  readonly middlewareStack: { add: (...args: never[]) => void };
}

/** One finished call as its client saw it (DynamoDB input and output still marshalled). */
export interface ObservedCall {
  readonly label: string;
  readonly command: string;
  readonly input: unknown;
  readonly output: unknown;
}

/** One stack's call counts and call observers. */
export class CallCounter {
  private readonly counts = new Map<string, number>();
  private readonly observers = new Set<(call: ObservedCall) => void>();

  count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  notify(call: () => ObservedCall): void {
    if (this.observers.size === 0) return;
    const observed = call();
    for (const observe of this.observers) observe(observed);
  }

  /** A copy of the counts so far, keyed `<label> <Command>`. */
  snapshot(): Map<string, number> {
    return new Map(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }

  /** The cost bench sizes reads and SQS requests from each call; returns the unsubscribe. */
  observe(observer: (call: ObservedCall) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }
}

/** Counts (and lets observers see) the client's calls on `counter`; without one the client is left as it is. */
export function countCalls<C extends CountableClient>(client: C, label: string, counter: CallCounter | undefined): C {
  if (counter === undefined) return client;
  const add = client.middlewareStack.add.bind(client.middlewareStack) as unknown as AddInitializeMiddleware;
  add(
    (next, context) => async (args) => {
      counter.count(`${label} ${context.commandName ?? '?'}`);
      return next(args);
    },
    { step: 'initialize', name: 'taskfleetCallCounter' },
  );
  // After serialization's peer (lib-dynamodb) has marshalled: observers see AttributeValues.
  add(
    ((next: Next, context: { commandName?: string }) => async (args: unknown) => {
      const result = await next(args);
      counter.notify(() => ({ label, command: context.commandName ?? '?', input: (args as { input?: unknown }).input, output: (result as { output?: unknown }).output }));
      return result;
    }) as never,
    { step: 'build', name: 'taskfleetCallObserver' } as never,
  );
  return client;
}
