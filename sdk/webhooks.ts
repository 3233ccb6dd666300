import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, as Stripe makes them: the header
 * `Taskfleet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The timestamp is signed too, so a captured delivery cannot be replayed later
 * than the tolerance. Standalone (node:crypto only): the delivery function signs
 * with this same file, so both sides cannot drift apart.
 */
export const SIGNATURE_HEADER = 'taskfleet-signature';
/** How old a signed timestamp may be: replays after this are refused. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/** The event a webhook carries (see docs/architecture.md, "Events"). */
export interface WebhookEvent {
  readonly id: string;
  readonly type: string;
  readonly tenant: string;
  readonly at: string;
  readonly task?: Record<string, unknown> & { readonly id: string; readonly status: string };
  readonly job?: Record<string, unknown> & { readonly id: string; readonly status: string };
}

const hmac = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The header value for `body` signed at `timestampSeconds`. */
export function signWebhook(body: string, secret: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, body)}`;
}

export interface VerifyOptions {
  /** @default 300 */
  readonly toleranceSeconds?: number;
  /** @default Date.now() */
  readonly nowMs?: number;
}

/**
 * Checks a delivery and returns its event: `body` exactly as received (the raw
 * text, not re-serialized JSON), the `Taskfleet-Signature` header, your secret.
 * @throws WebhookSignatureError when the header is malformed, no `v1` matches
 *   (compared in constant time), or the timestamp is outside the tolerance.
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
  return JSON.parse(text) as WebhookEvent;
}
