import { ENV } from './config-keys.js';

export interface FunctionConfig {
  readonly tableName: string;
  /** `pool:priority` → queue URL */
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly dlqUrls: Readonly<Record<string, string>>;
}

/** Reads the functions' settings once, failing with the missing variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  return {
    tableName: required(env, ENV.tableName),
    queueUrls: jsonMap(env, ENV.queueUrls),
    dlqUrls: jsonMap(env, ENV.dlqUrls),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** An optional JSON object of strings; a function that sends to no queue has none. */
function jsonMap(env: NodeJS.ProcessEnv, name: string): Readonly<Record<string, string>> {
  const raw = env[name];
  if (raw === undefined || raw === '') return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error(`environment variable ${name} must be a JSON object of strings`);
  }
  return parsed as Record<string, string>;
}
