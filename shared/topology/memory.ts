import { EVENTS_FUNCTION_MEMORY_MB } from './events.js';

/**
 * Memory of the deployed functions, in MB: Lambda bills GB-seconds by it, and it
 * buys CPU in proportion. The CDK stack sets it from here, and the cost bench
 * prices each measured invocation at it.
 */
/** Every route, the authorizer, the sweep and the schedule tick. */
export const API_FUNCTION_MEMORY_MB = 512;
/** A Lambda pool's worker: it runs the task handlers. */
export const POOL_WORKER_MEMORY_MB = 1024;

/** The memory a function runs with, by the name the local runtime invokes it under (`worker-<pool>` for a pool's worker). */
export function functionMemoryMb(functionName: string): number {
  if (functionName.startsWith('worker-')) return POOL_WORKER_MEMORY_MB;
  if (functionName === 'StreamConsumer' || functionName === 'WebhookDelivery') return EVENTS_FUNCTION_MEMORY_MB;
  return API_FUNCTION_MEMORY_MB;
}
