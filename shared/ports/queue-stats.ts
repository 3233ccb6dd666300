export interface QueueDepth {
  readonly pool: string;
  readonly priority: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly deadLetters: number;
}

/** Depths of the pool × priority queues and their DLQs. */
export interface QueueStats {
  depths(): Promise<readonly QueueDepth[]>;
}
