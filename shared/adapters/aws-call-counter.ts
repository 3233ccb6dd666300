/**
 * Counts AWS API calls per service and operation, with an SDK middleware on
 * every client the adapters build. The benchmark reads it to print calls per task.
 */
const counts = new Map<string, number>();

type Next = (args: unknown) => Promise<unknown>;
type AddInitializeMiddleware = (
  middleware: (next: Next, context: { commandName?: string }) => Next,
  options: { step: 'initialize'; name: string },
) => void;

/** Any AWS SDK v3 client (each has its own middleware-stack types). */
export interface CountableClient {
  readonly middlewareStack: { add: (...args: never[]) => void };
}

export function countCalls<C extends CountableClient>(client: C, label: string): C {
  const add = client.middlewareStack.add.bind(client.middlewareStack) as unknown as AddInitializeMiddleware;
  add(
    (next, context) => async (args) => {
      const key = `${label} ${context.commandName ?? '?'}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'taskfleetCallCounter' },
  );
  // After serialization's peer (lib-dynamodb) has marshalled: observers see AttributeValues.
  add(
    ((next: Next, context: { commandName?: string }) => async (args: unknown) => {
      const result = await next(args);
      if (observers.size > 0) {
        const input = (args as { input?: unknown }).input;
        const output = (result as { output?: unknown }).output;
        for (const observe of observers) observe({ label, command: context.commandName ?? '?', input, output });
      }
      return result;
    }) as never,
    { step: 'build', name: 'taskfleetCallObserver' } as never,
  );
  return client;
}

/** A copy of the counts so far, keyed `<label> <Command>`. */
export function callCounts(): Map<string, number> {
  return new Map(counts);
}

export function resetCallCounts(): void {
  counts.clear();
}

/** One finished call as its client saw it (DynamoDB input and output still marshalled). */
export interface ObservedCall {
  readonly label: string;
  readonly command: string;
  readonly input: unknown;
  readonly output: unknown;
}

const observers = new Set<(call: ObservedCall) => void>();

/** The cost bench sizes reads and SQS requests from each call; returns the unsubscribe. */
export function observeCalls(observer: (call: ObservedCall) => void): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}
