import { DEFAULT_DELIVERY_RETRY, type DeliveryRetryPolicy } from './domain/webhook.js';
import type { AddressPolicy } from './domain/webhook-address.js';

/**
 * Settings of events and webhooks, read once from the environment. The stack sets
 * the resource names; the TASKFLEET_WEBHOOK_* overrides are for operators (allow
 * private receivers) and for tests (loopback receivers, fast retries).
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
} as const;

export function addressPolicy(env: NodeJS.ProcessEnv = process.env): AddressPolicy {
  const ports = (env[EVENTS_ENV.forbiddenLoopbackPorts] ?? '').split(',').map(Number).filter((port) => Number.isInteger(port) && port > 0);
  return { allowLoopback: env[EVENTS_ENV.allowLoopback] === 'true', allowPrivate: env[EVENTS_ENV.allowPrivate] === 'true', forbiddenLoopbackPorts: ports };
}

export function deliveryRetryPolicy(env: NodeJS.ProcessEnv = process.env): DeliveryRetryPolicy {
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`environment variable ${name} must be a number ≥ 0`);
    return value;
  };
  return {
    baseSeconds: num(EVENTS_ENV.retryBaseSeconds, DEFAULT_DELIVERY_RETRY.baseSeconds),
    capSeconds: Math.min(900, num(EVENTS_ENV.retryCapSeconds, DEFAULT_DELIVERY_RETRY.capSeconds)),
    maxAgeSeconds: num(EVENTS_ENV.retryMaxAgeSeconds, DEFAULT_DELIVERY_RETRY.maxAgeSeconds),
    maxAttempts: num(EVENTS_ENV.retryMaxAttempts, DEFAULT_DELIVERY_RETRY.maxAttempts),
  };
}

export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}
