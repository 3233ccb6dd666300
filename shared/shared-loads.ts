/**
 * Loads shared per key in one process: one load at a time, its answer reused for
 * `ttlMs`; a failed load is forgotten so the next caller tries again. At most
 * `maxKeys` keys are kept (the oldest goes first): a bound on memory.
 */
export class SharedLoads<T> {
  private readonly entries = new Map<string, { readonly at: number; readonly value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
    private readonly maxKeys = Number.POSITIVE_INFINITY,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const kept = this.entries.get(key);
    if (kept !== undefined && this.clock() - kept.at < this.ttlMs) return kept.value;
    if (kept === undefined && this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
    const value = load();
    this.entries.set(key, { at: this.clock(), value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  /** The next caller loads afresh. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** The kept answer for `key`, if any, as `change` makes it; as old as it was. */
  update(key: string, change: (value: T) => T): void {
    const kept = this.entries.get(key);
    if (kept !== undefined) this.entries.set(key, { at: kept.at, value: kept.value.then(change) });
  }
}
