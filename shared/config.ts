import { z } from 'zod';
import type { AwsClientOptions } from './adapters/aws-clients.js';
import { endpointsFromEnv } from './adapters/aws-clients.js';
import type { AddressPolicy } from './domain/webhook-address.js';
import { ENV } from './config-keys.js';
import { definedOnly } from './domain/defined.js';
import { DEFAULT_DELIVERY_RETRY, type DeliveryRetryPolicy } from './domain/webhook.js';
import type { SchedulingConfig } from './domain/scheduling/config.js';
import { EVENTS_ENV } from './events-config.js';
import { queueUrls, TOPOLOGY, type QueueSpec } from './topology/topology.js';

/**
 * Overrides of every pool's retry and circuit policies, for tests and local
 * experiments (the pools file holds the real settings).
 */
export interface PolicyOverrides {
  readonly retry?: { baseSeconds?: number; capSeconds?: number };
  readonly circuit?: { failureThreshold?: number; cooldownSeconds?: number };
  readonly leaseGraceSeconds?: number;
  /**
   * Every agent pool's scheduling knobs over the pools file's (aging, deadline horizon,
   * holdback): the agent bench runs its workload faster than real time and scales
   * these seconds with it, so the server runs the policy the workload was made for.
   */
  readonly scheduling?: Partial<SchedulingConfig>;
}

/** The events pipeline's settings; the resource names only on the functions that use them. */
export interface EventsConfig {
  /** The events SNS topic (the stream consumer's). */
  readonly topicArn?: string;
  /** The webhook delivery queue and its DLQ. */
  readonly deliveryQueueUrl?: string;
  readonly deliveryDlqUrl?: string;
  /** Which addresses a webhook may reach. */
  readonly addressPolicy: AddressPolicy;
  readonly deliveryRetry: DeliveryRetryPolicy;
  /** How long the stream consumer trusts its copy of a tenant's webhooks: a new webhook hears events after at most this. */
  readonly webhookListCacheMs: number;
}

/**
 * Everything a services instance is built from: parsed once, at the edge (a
 * Lambda's environment, or the local runtime's own values), and passed down.
 */
export interface Config {
  readonly tableName: string;
  /** What every queue URL starts with (`QUEUE_URL_PREFIX`). */
  readonly queueUrlPrefix: string;
  /** `pool:priority` → queue URL, derived from the prefix and the topology. */
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly dlqUrls: Readonly<Record<string, string>>;
  /** Undefined for a function that never touches large values. */
  readonly valuesBucket?: string;
  /** Region and endpoints of the AWS clients (emulators locally; AWS's own when absent). */
  readonly aws: AwsClientOptions;
  readonly policies: PolicyOverrides;
  readonly events: EventsConfig;
  /** The Lambda function's name (a worker's id starts with it); `local` outside Lambda. */
  readonly functionName: string;
  /**
   * How long the authorizer keeps a token's verdict, in ms (`TASKFLEET_AUTH_CACHE_SECONDS`,
   * 0–3600; a local stack or a test may shorten it). Undefined: VERDICT_CACHE_MS (300 s),
   * what the stack deploys.
   */
  readonly authCacheMs?: number;
}

/** Thrown when the environment is missing a variable or holds a wrong one; names each. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

const required = (name: string) => z.string({ error: `environment variable ${name} is not set` }).min(1, `environment variable ${name} is not set`);
const optionalText = z.string().optional().transform((value) => (value === '' ? undefined : value));
/** A number ≥ 0, or undefined when unset or empty. */
const optionalNumber = (name: string) =>
  optionalText.pipe(
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return undefined;
        const value = Number(raw);
        if (!Number.isFinite(value) || value < 0) {
          ctx.addIssue({ code: 'custom', message: `environment variable ${name} must be a number ≥ 0` });
          return z.NEVER;
        }
        return value;
      }),
  );
const flag = optionalText.transform((value) => value === 'true');

/** The variables read, by their names: one schema, so every wrong one is reported at once. */
const environmentSchema = z.object({
  [ENV.tableName]: required(ENV.tableName),
  [ENV.queueUrlPrefix]: required(ENV.queueUrlPrefix),
  [ENV.valuesBucket]: optionalText,
  AWS_LAMBDA_FUNCTION_NAME: optionalText,
  TASKFLEET_RETRY_BASE_SECONDS: optionalNumber('TASKFLEET_RETRY_BASE_SECONDS'),
  TASKFLEET_RETRY_CAP_SECONDS: optionalNumber('TASKFLEET_RETRY_CAP_SECONDS'),
  TASKFLEET_CIRCUIT_THRESHOLD: optionalNumber('TASKFLEET_CIRCUIT_THRESHOLD'),
  TASKFLEET_CIRCUIT_COOLDOWN_SECONDS: optionalNumber('TASKFLEET_CIRCUIT_COOLDOWN_SECONDS'),
  TASKFLEET_LEASE_GRACE_SECONDS: optionalNumber('TASKFLEET_LEASE_GRACE_SECONDS'),
  [EVENTS_ENV.topicArn]: optionalText,
  [EVENTS_ENV.deliveryQueueUrl]: optionalText,
  [EVENTS_ENV.deliveryDlqUrl]: optionalText,
  [EVENTS_ENV.allowLoopback]: flag,
  [EVENTS_ENV.allowPrivate]: flag,
  [EVENTS_ENV.forbiddenLoopbackPorts]: optionalText,
  [EVENTS_ENV.retryBaseSeconds]: optionalNumber(EVENTS_ENV.retryBaseSeconds),
  [EVENTS_ENV.retryCapSeconds]: optionalNumber(EVENTS_ENV.retryCapSeconds),
  [EVENTS_ENV.retryMaxAgeSeconds]: optionalNumber(EVENTS_ENV.retryMaxAgeSeconds),
  [EVENTS_ENV.retryMaxAttempts]: optionalNumber(EVENTS_ENV.retryMaxAttempts),
  [EVENTS_ENV.webhookListCacheMs]: optionalNumber(EVENTS_ENV.webhookListCacheMs),
  TASKFLEET_AUTH_CACHE_SECONDS: optionalNumber('TASKFLEET_AUTH_CACHE_SECONDS').refine((seconds) => seconds === undefined || seconds <= 3600, {
    message: 'environment variable TASKFLEET_AUTH_CACHE_SECONDS must be a number of seconds from 0 to 3600',
  }),
});


/**
 * Parses the settings once, failing with every missing or wrong variable's name.
 * Queue URLs follow from one prefix by the topology's naming convention, so the
 * environment stays the same size however many pools there are.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, queues: readonly QueueSpec[] = TOPOLOGY.queues): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  const vars = parsed.data;
  const queueUrlPrefix = vars[ENV.queueUrlPrefix];
  const valuesBucket = vars[ENV.valuesBucket];
  const leaseGraceSeconds = vars.TASKFLEET_LEASE_GRACE_SECONDS;
  const authCacheSeconds = vars.TASKFLEET_AUTH_CACHE_SECONDS;
  const ports = (vars[EVENTS_ENV.forbiddenLoopbackPorts] ?? '')
    .split(',')
    .map(Number)
    .filter((port) => Number.isInteger(port) && port > 0);
  return {
    tableName: vars[ENV.tableName],
    queueUrlPrefix,
    ...queueUrls(queueUrlPrefix, queues),
    ...(valuesBucket !== undefined ? { valuesBucket } : {}),
    aws: endpointsFromEnv(env),
    policies: {
      retry: definedOnly({ baseSeconds: vars.TASKFLEET_RETRY_BASE_SECONDS, capSeconds: vars.TASKFLEET_RETRY_CAP_SECONDS }),
      circuit: definedOnly({ failureThreshold: vars.TASKFLEET_CIRCUIT_THRESHOLD, cooldownSeconds: vars.TASKFLEET_CIRCUIT_COOLDOWN_SECONDS }),
      ...(leaseGraceSeconds !== undefined ? { leaseGraceSeconds } : {}),
    },
    events: {
      ...definedOnly({ topicArn: vars[EVENTS_ENV.topicArn], deliveryQueueUrl: vars[EVENTS_ENV.deliveryQueueUrl], deliveryDlqUrl: vars[EVENTS_ENV.deliveryDlqUrl] }),
      addressPolicy: { allowLoopback: vars[EVENTS_ENV.allowLoopback], allowPrivate: vars[EVENTS_ENV.allowPrivate], forbiddenLoopbackPorts: ports },
      deliveryRetry: {
        baseSeconds: vars[EVENTS_ENV.retryBaseSeconds] ?? DEFAULT_DELIVERY_RETRY.baseSeconds,
        capSeconds: Math.min(900, vars[EVENTS_ENV.retryCapSeconds] ?? DEFAULT_DELIVERY_RETRY.capSeconds),
        maxAgeSeconds: vars[EVENTS_ENV.retryMaxAgeSeconds] ?? DEFAULT_DELIVERY_RETRY.maxAgeSeconds,
        maxAttempts: vars[EVENTS_ENV.retryMaxAttempts] ?? DEFAULT_DELIVERY_RETRY.maxAttempts,
      },
      webhookListCacheMs: vars[EVENTS_ENV.webhookListCacheMs] ?? 5_000,
    },
    functionName: vars.AWS_LAMBDA_FUNCTION_NAME ?? 'local',
    ...(authCacheSeconds !== undefined ? { authCacheMs: authCacheSeconds * 1000 } : {}),
  };
}

/** A setting a part of the services needs only when that part is built (the events resources): fails naming the variable. */
export function requiredSetting<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ConfigError([`environment variable ${name} is not set`]);
  return value;
}
