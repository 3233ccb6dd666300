import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { PRIORITIES, DEFAULT_PRIORITY } from './priority.js';
import { LIMITS, TASK_DEFAULTS, jsonByteLength } from './limits.js';
import type { Json, TaskInput } from './task.js';
import { boundedJson, capability, idempotencyKey, joinField, resources, toFieldErrors, typeName, userId, weights } from './validation.js';

export { toFieldErrors } from './validation.js';

/** A submission as it arrives; strict, so a misspelt field is named, not ignored. */
export const taskInputSchema = z.strictObject({
  id: userId.optional(),
  type: typeName,
  payload: boundedJson.default(null),
  priority: z.enum(PRIORITIES).default(DEFAULT_PRIORITY),
  requires: z.array(capability).max(LIMITS.requires).default([]),
  idempotencyKey: idempotencyKey.optional(),
  maxAttempts: z.int().min(1).max(LIMITS.maxAttempts).default(TASK_DEFAULTS.maxAttempts),
  timeoutSeconds: z.int().min(1).max(LIMITS.timeoutSeconds).default(TASK_DEFAULTS.timeoutSeconds),
  deadline: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  delaySeconds: z.int().min(0).max(LIMITS.delaySeconds).optional(),
  runAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  concurrencyKey: z.string().min(1).max(256).optional(),
  concurrencyLimit: z.int().min(1).max(LIMITS.concurrencyLimit).optional(),
  resources: resources.optional(),
  prefers: weights.optional(),
  affinityKey: z.string().min(1).max(256).optional(),
  agent: z.string().min(1).max(128).optional(),
  avoidAgents: z.array(z.string().min(1).max(128)).max(50).optional(),
  then: z
    .strictObject({
      type: typeName,
      requires: z.array(capability).max(LIMITS.requires).optional(),
    })
    .optional(),
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; fields: FieldError[] };

/**
 * Validates one submission and applies defaults. `now` decides whether a
 * deadline is in the future. Every wrong field is reported, not just the first
 * (a past deadline too, beside other wrong fields); `prefix` names where the
 * item sits (e.g. `tasks.3`).
 */
export function parseTaskInput(raw: unknown, now: Date, prefix = ''): ParseResult<TaskInput> {
  const parsed = taskInputSchema.safeParse(raw);
  const fields: FieldError[] = parsed.success ? [] : toFieldErrors(parsed.error, prefix);
  const deadlineField = joinField(prefix, 'deadline');
  const deadline = (raw as { deadline?: unknown } | null)?.deadline;
  if (typeof deadline === 'string' && Date.parse(deadline) <= now.getTime() && !fields.some((f) => f.field === deadlineField)) {
    fields.push({ field: deadlineField, message: 'must be in the future' });
  }
  fields.push(...timingErrors(raw, now, prefix, fields));
  if (parsed.success) {
    const payloadBytes = jsonByteLength(parsed.data.payload);
    if (payloadBytes > LIMITS.payloadBytes) {
      fields.push({ field: joinField(prefix, 'payload'), message: `is ${payloadBytes} bytes serialized; the limit is ${LIMITS.payloadBytes}` });
    }
  }
  if (!parsed.success || fields.length > 0) return { ok: false, fields };
  const input = parsed.data;
  const { prefers, affinityKey, agent, avoidAgents, runAt, delaySeconds, concurrencyKey, concurrencyLimit, ...rest } = input;
  const placement = {
    ...(concurrencyKey !== undefined ? { concurrency: { key: concurrencyKey, limit: concurrencyLimit ?? TASK_DEFAULTS.concurrencyLimit } } : {}),
    ...(prefers !== undefined && Object.keys(prefers).length > 0 ? { prefers } : {}),
    ...(affinityKey !== undefined ? { affinityKey } : {}),
    ...(agent !== undefined ? { agent } : {}),
    ...(avoidAgents !== undefined && avoidAgents.length > 0 ? { avoidAgents: [...new Set(avoidAgents)] } : {}),
  };
  return {
    ok: true,
    value: {
      ...rest,
      delaySeconds: runAt !== undefined ? Math.max(0, Math.ceil((Date.parse(runAt) - now.getTime()) / 1000)) : (delaySeconds ?? TASK_DEFAULTS.delaySeconds),
      ...(runAt !== undefined ? { runAt: new Date(runAt).toISOString() } : {}),
      payload: input.payload as Json,
      requires: [...new Set(input.requires)],
      ...(Object.keys(placement).length > 0 ? { placement } : {}),
    },
  };
}

/**
 * `runAt` and `delaySeconds` say the same thing two ways: naming both is a 400.
 * `runAt` may be at most `LIMITS.delaySeconds` ahead; a time already past runs now.
 * A `concurrencyLimit` needs the key it limits.
 */
function timingErrors(raw: unknown, now: Date, prefix: string, found: readonly FieldError[]): FieldError[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const given = raw as { runAt?: unknown; delaySeconds?: unknown; concurrencyKey?: unknown; concurrencyLimit?: unknown };
  const errors: FieldError[] = [];
  const runAtField = joinField(prefix, 'runAt');
  if (given.runAt !== undefined && given.delaySeconds !== undefined) {
    errors.push({ field: runAtField, message: 'cannot be given with delaySeconds (name one of them)' });
  } else if (typeof given.runAt === 'string' && !found.some((f) => f.field === runAtField)) {
    const ahead = (Date.parse(given.runAt) - now.getTime()) / 1000;
    if (ahead > LIMITS.delaySeconds) errors.push({ field: runAtField, message: `must be at most ${LIMITS.delaySeconds} seconds (a year) from now` });
  }
  if (given.concurrencyLimit !== undefined && given.concurrencyKey === undefined) {
    errors.push({ field: joinField(prefix, 'concurrencyLimit'), message: 'needs a concurrencyKey' });
  }
  return errors;
}
