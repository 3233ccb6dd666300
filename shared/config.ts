import { ENV } from './config-keys.js';
import { queueUrls, TOPOLOGY, type QueueSpec } from './topology/topology.js';

export interface FunctionConfig {
  readonly tableName: string;
  /** What every queue URL starts with (`QUEUE_URL_PREFIX`). */
  readonly queueUrlPrefix: string;
  /** `pool:priority` → queue URL, derived from the prefix and the topology. */
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly dlqUrls: Readonly<Record<string, string>>;
  /** Undefined for a function that never touches large values. */
  readonly valuesBucket?: string;
}

/**
 * Reads the functions' settings once, failing with the missing variable's name.
 * Queue URLs follow from one prefix by the topology's naming convention, so the
 * environment stays the same size however many pools there are.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, queues: readonly QueueSpec[] = TOPOLOGY.queues): FunctionConfig {
  const queueUrlPrefix = required(env, ENV.queueUrlPrefix);
  return {
    tableName: required(env, ENV.tableName),
    queueUrlPrefix,
    ...queueUrls(queueUrlPrefix, queues),
    ...(env[ENV.valuesBucket] ? { valuesBucket: env[ENV.valuesBucket] as string } : {}),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * How long the authorizer keeps a token's verdict, in ms: `TASKFLEET_AUTH_CACHE_SECONDS`
 * (a local stack or a test may shorten it), or undefined for the default (300 s,
 * VERDICT_CACHE_MS in shared/services/authorize.ts), which the stack deploys.
 */
export function authCacheMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.TASKFLEET_AUTH_CACHE_SECONDS;
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) throw new Error('environment variable TASKFLEET_AUTH_CACHE_SECONDS must be a number of seconds from 0 to 3600');
  return seconds * 1000;
}

/**
 * Overrides of every pool's retry and circuit policies, for tests and local
 * experiments (the pools file holds the real settings).
 */
export interface PolicyOverrides {
  readonly retry?: { baseSeconds?: number; capSeconds?: number };
  readonly circuit?: { failureThreshold?: number; cooldownSeconds?: number };
  readonly leaseGraceSeconds?: number;
}

export function policyOverrides(env: NodeJS.ProcessEnv = process.env): PolicyOverrides {
  const num = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`environment variable ${name} must be a number ≥ 0`);
    return value;
  };
  const retry = { baseSeconds: num('TASKFLEET_RETRY_BASE_SECONDS'), capSeconds: num('TASKFLEET_RETRY_CAP_SECONDS') };
  const circuit = { failureThreshold: num('TASKFLEET_CIRCUIT_THRESHOLD'), cooldownSeconds: num('TASKFLEET_CIRCUIT_COOLDOWN_SECONDS') };
  const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const leaseGraceSeconds = num('TASKFLEET_LEASE_GRACE_SECONDS');
  return { retry: defined(retry), circuit: defined(circuit), ...(leaseGraceSeconds !== undefined ? { leaseGraceSeconds } : {}) };
}
