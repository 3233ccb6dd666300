import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { PRIORITIES, DEFAULT_PRIORITY } from './priority.js';
import { LIMITS, TASK_DEFAULTS, jsonByteLength } from './limits.js';
import type { Json, TaskInput } from './task.js';

const name = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

const resourcesSchema = z.strictObject({
  cpu: z.number().positive().max(1024).optional(),
  gpu: z.int().min(0).max(64).optional(),
  memoryMb: z.int().positive().max(4_194_304).optional(),
});

/** A submission as it arrives; strict, so a misspelt field is named, not ignored. */
const taskInputSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"')
    .optional(),
  type: z.string({ error: 'is required (a string)' }).min(1).max(128).regex(name, 'must be letters, digits, ".", ":", "_" or "-"'),
  payload: z.json().default(null),
  priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` }).default(DEFAULT_PRIORITY),
  requires: z
    .array(z.string().min(1).max(64).regex(name, 'must be letters, digits, ".", ":", "_" or "-"'))
    .max(LIMITS.requires)
    .default([]),
  idempotencyKey: z.string().min(1).max(256).optional(),
  maxAttempts: z.int().min(1).max(LIMITS.maxAttempts).default(TASK_DEFAULTS.maxAttempts),
  timeoutSeconds: z.int().min(1).max(LIMITS.timeoutSeconds).default(TASK_DEFAULTS.timeoutSeconds),
  deadline: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  delaySeconds: z.int().min(0).max(LIMITS.delaySeconds).default(TASK_DEFAULTS.delaySeconds),
  resources: resourcesSchema.optional(),
  prefers: z.record(z.string().min(1).max(64), z.number().min(-100).max(100)).optional(),
  affinityKey: z.string().min(1).max(256).optional(),
  agent: z.string().min(1).max(128).optional(),
  avoidAgents: z.array(z.string().min(1).max(128)).max(50).optional(),
  then: z
    .strictObject({
      type: z.string().min(1).max(128).regex(name, 'must be letters, digits, ".", ":", "_" or "-"'),
      requires: z.array(z.string().min(1).max(64).regex(name)).max(LIMITS.requires).optional(),
    })
    .optional(),
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; fields: FieldError[] };

/**
 * Validates one submission and applies defaults. `now` decides whether a
 * deadline is in the future. Every wrong field is reported, not just the first;
 * `prefix` names where the item sits (e.g. `tasks.3`).
 */
export function parseTaskInput(raw: unknown, now: Date, prefix = ''): ParseResult<TaskInput> {
  const parsed = taskInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, fields: toFieldErrors(parsed.error, prefix) };
  const input = parsed.data;
  const fields: FieldError[] = [];
  const payloadBytes = jsonByteLength(input.payload);
  if (payloadBytes > LIMITS.payloadBytes) {
    fields.push({
      field: join(prefix, 'payload'),
      message: `is ${payloadBytes} bytes serialized; the limit is ${LIMITS.payloadBytes}`,
    });
  }
  if (input.deadline !== undefined && Date.parse(input.deadline) <= now.getTime()) {
    fields.push({ field: join(prefix, 'deadline'), message: 'must be in the future' });
  }
  if (fields.length > 0) return { ok: false, fields };
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

/** zod issues → one FieldError per wrong field (unknown keys named one by one; a field's first issue wins). */
export function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const issue of error.issues) {
    const path = join(prefix, issue.path.map(String).join('.'));
    const found =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: join(path, key), message: 'is not a known field' }))
        : [{ field: path || 'body', message: issue.message }];
    for (const fieldError of found) if (!byField.has(fieldError.field)) byField.set(fieldError.field, fieldError);
  }
  return [...byField.values()];
}

function join(prefix: string, field: string): string {
  if (prefix === '') return field;
  if (field === '') return prefix;
  return `${prefix}.${field}`;
}
