import { createHmac } from 'node:crypto';

/**
 * The server's signer of webhook deliveries, as Stripe signs them: the header
 * `Taskfleet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The SDK keeps its own copy of this scheme for its `verifyWebhook` (the SDK
 * depends on nothing of the server's); test/unit/webhooks.test.ts checks that a
 * signature made here verifies there, so the two cannot drift apart.
 */
export const SIGNATURE_HEADER = 'taskfleet-signature';

/** The header value for `body` signed with `secret` at `timestampSeconds`. */
export function signWebhook(body: string, secret: string, timestampSeconds: number): string {
  const hex = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${hex}`;
}
