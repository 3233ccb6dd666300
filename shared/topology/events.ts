/**
 * The events pipeline's functions, for the CDK stack and the local runtime:
 * table stream → consumer → SNS topic + webhook delivery queue → delivery function.
 */
export const STREAM_CONSUMER_ENTRY = 'functions/stream-consumer.ts';
export const WEBHOOK_DELIVERY_ENTRY = 'functions/deliver-webhook.ts';

/** Stream records per consumer invocation, and how long Lambda gathers them. */
export const STREAM_BATCH_SIZE = 100;
export const STREAM_BATCHING_WINDOW_SECONDS = 1;
/**
 * The stream mapping's error handling, deployed (infra) and run locally
 * (local/stream-poller.ts): a failing batch is bisected until the record that
 * fails is alone, retried this many times, then set aside to the StreamFailures
 * queue (the on-failure destination) and the shard moves on.
 */
export const STREAM_MAPPING = { bisectBatchOnError: true, retryAttempts: 10, maxRecordAgeSeconds: 24 * 3600 } as const;

/** Deliveries per invocation: each is an HTTP call of up to 10 s, run concurrently. */
export const DELIVERY_BATCH_SIZE = 10;
/** Concurrent delivery invocations: bounds how hard taskfleet can hit receivers. */
export const DELIVERY_MAX_CONCURRENCY = 20;
/** Memory of the stream consumer and the delivery function (Lambda bills GB-seconds by it). */
export const EVENTS_FUNCTION_MEMORY_MB = 512;
