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
  return client;
}

/** A copy of the counts so far, keyed `<label> <Command>`. */
export function callCounts(): Map<string, number> {
  return new Map(counts);
}

export function resetCallCounts(): void {
  counts.clear();
}
