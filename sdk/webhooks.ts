import { createHmac, timingSafeEqual } from 'node:crypto';
import { TaskfleetError } from './errors.js';

/**
 * Webhook signatures, as Stripe makes them: the header
 * `Taskfleet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The timestamp is signed too, so a captured delivery cannot be replayed later
 * than the tolerance. Standalone (node:crypto only): the server signs with its own
 * copy of the scheme (shared/domain/webhook-signature.ts), and a test checks that
 * what it signs verifies here, so both sides cannot drift apart.
 *
 * @example
 * ```ts
 * const event = verifyWebhook(rawBody, request.headers[SIGNATURE_HEADER], secret);
 * ```
 */
export const SIGNATURE_HEADER = 'taskfleet-signature';
/**
 * How old a signed timestamp may be, in seconds: replays after this are refused.
 *
 * @example
 * ```ts
 * verifyWebhook(body, header, secret, { toleranceSeconds: DEFAULT_TOLERANCE_SECONDS * 2 });
 * ```
 */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * A webhook delivery that cannot be trusted: no or a malformed signature
 * header, no matching signature, a timestamp outside the tolerance, or a body
 * that is not JSON. Answer it with a 400 and do not act on it.
 *
 * @example
 * ```ts
 * try {
 *   verifyWebhook(body, header, secret);
 * } catch (error) {
 *   if (error instanceof WebhookSignatureError) return new Response(null, { status: 400 });
 * }
 * ```
 */
export class WebhookSignatureError extends TaskfleetError {
  constructor(message: string) {
    super('invalid_signature', message);
  }
}

/**
 * The event a webhook carries (see docs/architecture.md, "Events").
 *
 * @example
 * ```ts
 * const event: WebhookEvent = verifyWebhook(body, header, secret);
 * if (event.type === 'task.completed') console.log(event.task?.id);
 * ```
 */
export interface WebhookEvent {
  /** The event's id: the same on every retry of its delivery (deduplicate by it). */
  readonly id: string;
  /** e.g. `task.completed`, `job.failed`. */
  readonly type: string;
  /** The tenant it belongs to. */
  readonly tenant: string;
  /** ISO time it happened. */
  readonly at: string;
  /** The task, for a `task.*` event. */
  readonly task?: Record<string, unknown> & { readonly id: string; readonly status: string };
  /** The job, for a `job.*` event. */
  readonly job?: Record<string, unknown> & { readonly id: string; readonly status: string };
}

const hmac = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/**
 * The header value for `body` signed at `timestampSeconds` (for tests of your receiver).
 *
 * @example
 * ```ts
 * const header = signWebhook(JSON.stringify(event), secret, Math.floor(Date.now() / 1000));
 * ```
 */
export function signWebhook(body: string, secret: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, body)}`;
}

/**
 * How `verifyWebhook` checks the timestamp.
 *
 * @example
 * ```ts
 * verifyWebhook(body, header, secret, { toleranceSeconds: 60 });
 * ```
 */
export interface VerifyOptions {
  /** How old (or how far ahead) a signed timestamp may be, in seconds. @default 300 */
  readonly toleranceSeconds?: number;
  /** The time to check against, in ms since the epoch. @default Date.now() */
  readonly nowMs?: number;
}

/**
 * Checks a delivery and returns its event: `body` exactly as received (the raw
 * text, not re-serialized JSON), the `Taskfleet-Signature` header, your secret.
 * @throws WebhookSignatureError when the header is malformed, no `v1` matches
 *   (compared in constant time), the timestamp is outside the tolerance, or the body is not JSON.
 *
 * @example
 * ```ts
 * const event = verifyWebhook(await request.text(), request.headers.get('taskfleet-signature'), process.env.WEBHOOK_SECRET!);
 * ```
 */
export function verifyWebhook(body: string | Uint8Array, header: string | undefined | null, secret: string, options: VerifyOptions = {}): WebhookEvent {
  if (header === undefined || header === null || header === '') throw new WebhookSignatureError('no signature header');
  // Uint8Array, not Buffer, in the signature: the SDK's types must not need @types/node (a Buffer is one).
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value !== undefined) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) throw new WebhookSignatureError('malformed signature header');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = (options.nowMs ?? Date.now()) / 1000;
  if (Math.abs(now - timestamp) > tolerance) throw new WebhookSignatureError('signature timestamp outside the tolerance');
  const expected = Buffer.from(hmac(secret, timestamp, text), 'hex');
  // Several v1 values are allowed, so a secret can be rotated without a gap.
  const matches = signatures.some((s) => {
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookSignatureError('no signature matches');
  try {
    return JSON.parse(text) as WebhookEvent;
  } catch (error) {
    throw new WebhookSignatureError(`the signed body is not JSON: ${(error as Error).message}`);
  }
}
