/**
 * Names of the events and webhooks settings in the environment (parsed with the
 * rest in config.ts). The stack sets the resource names; the TASKFLEET_WEBHOOK_*
 * overrides are for operators (allow private receivers) and for tests (loopback
 * receivers, fast retries).
 */
export const EVENTS_ENV = {
  /** The events SNS topic. */
  topicArn: 'EVENTS_TOPIC_ARN',
  /** The webhook delivery queue and its DLQ. */
  deliveryQueueUrl: 'WEBHOOK_QUEUE_URL',
  deliveryDlqUrl: 'WEBHOOK_DLQ_URL',
  /** "true": deliveries may reach 127.0.0.0/8 and ::1 (local runtime, tests). */
  allowLoopback: 'TASKFLEET_WEBHOOK_ALLOW_LOOPBACK',
  /** "true": deliveries may reach any address (receivers inside the operator's network). */
  allowPrivate: 'TASKFLEET_WEBHOOK_ALLOW_PRIVATE',
  /** Comma-separated ports deliveries never reach on loopback (the local stack sets its emulators' and API's). */
  forbiddenLoopbackPorts: 'TASKFLEET_WEBHOOK_FORBIDDEN_LOOPBACK_PORTS',
  retryBaseSeconds: 'TASKFLEET_WEBHOOK_RETRY_BASE_SECONDS',
  retryCapSeconds: 'TASKFLEET_WEBHOOK_RETRY_CAP_SECONDS',
  retryMaxAgeSeconds: 'TASKFLEET_WEBHOOK_RETRY_MAX_AGE_SECONDS',
  retryMaxAttempts: 'TASKFLEET_WEBHOOK_MAX_ATTEMPTS',
  /** How long the stream consumer trusts its copy of a tenant's webhooks (ms; default 5000). */
  webhookListCacheMs: 'TASKFLEET_WEBHOOK_LIST_CACHE_MS',
} as const;
