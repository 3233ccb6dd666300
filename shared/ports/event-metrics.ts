import type { CircuitStatus } from '../domain/circuit-breaker.js';
import type { TaskfleetEvent } from '../domain/events.js';

export interface CircuitChange {
  readonly pool: string;
  readonly to: CircuitStatus;
}

/** Where the stream consumer's figures go (EMF on Lambda: no API call, no write-path cost). */
export interface EventMetrics {
  record(events: readonly TaskfleetEvent[], circuits: readonly CircuitChange[]): void;
}
