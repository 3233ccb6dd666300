import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { PRIORITIES, DEFAULT_PRIORITY } from './priority.js';
import { LIMITS, TASK_DEFAULTS, jsonByteLength } from './limits.js';
import type { Json, TaskInput } from './task.js';
import { boundedJson, capability, idempotencyKey, joinField, resources, toFieldErrors, typeName, userId, weights } from './validation.js';

export { toFieldErrors } from './validation.js';

/** A submission as it arrives; strict, so a misspelt field is named, not ignored. */
const taskInputSchema = z.strictObject({
  id: userId.optional(),
  type: typeName,
  payload: boundedJson.default(null),
  priority: z.enum(PRIORITIES).default(DEFAULT_PRIORITY),
  requires: z.array(capability).max(LIMITS.requires).default([]),
  idempotencyKey: idempotencyKey.optional(),
  maxAttempts: z.int().min(1).max(LIMITS.maxAttempts).default(TASK_DEFAULTS.maxAttempts),
  timeoutSeconds: z.int().min(1).max(LIMITS.timeoutSeconds).default(TASK_DEFAULTS.timeoutSeconds),
  deadline: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  delaySeconds: z.int().min(0).max(LIMITS.delaySeconds).default(TASK_DEFAULTS.delaySeconds),
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
  if (parsed.success) {
    const payloadBytes = jsonByteLength(parsed.data.payload);
    if (payloadBytes > LIMITS.payloadBytes) {
      fields.push({ field: joinField(prefix, 'payload'), message: `is ${payloadBytes} bytes serialized; the limit is ${LIMITS.payloadBytes}` });
    }
  }
  if (!parsed.success || fields.length > 0) return { ok: false, fields };
  const input = parsed.data;
  const { prefers, affinityKey, agent, avoidAgents, ...rest } = input;
  const placement = {
    ...(prefers !== undefined && Object.keys(prefers).length > 0 ? { prefers } : {}),
    ...(affinityKey !== undefined ? { affinityKey } : {}),
    ...(agent !== undefined ? { agent } : {}),
    ...(avoidAgents !== undefined && avoidAgents.length > 0 ? { avoidAgents: [...new Set(avoidAgents)] } : {}),
  };
  return {
    ok: true,
    value: {
      ...rest,
      payload: input.payload as Json,
      requires: [...new Set(input.requires)],
      ...(Object.keys(placement).length > 0 ? { placement } : {}),
    },
  };
}
