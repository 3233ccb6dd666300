import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isForbiddenTarget, portOf, type AddressPolicy } from '../../domain/webhook-address.js';
import type { SendOutcome } from '../../ports/events.js';
import { guardedLookup } from './address-guard.js';


export interface SenderOptions extends AddressPolicy {
  /** @default 10_000 */
  readonly timeoutMs?: number;
}

/**
 * POSTs one delivery. 2xx is success; anything else, a timeout or a network
 * error is a failure to retry. The socket connects only to an address the guard
 * allowed (see address-guard.ts); redirects are not followed (a 3xx is a failure),
 * so a receiver cannot bounce a delivery to a private address either.
 */
export function sendWebhook(url: string, body: string, headers: Readonly<Record<string, string>>, options: SenderOptions): Promise<SendOutcome> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  // A literal IP never goes through `lookup`: judge it here.
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && isForbiddenTarget(host, portOf(target), options)) {
    return Promise.resolve({ ok: false, error: `refusing to deliver to ${host}: private, loopback, link-local or metadata address`, permanent: true });
  }
  return new Promise((resolve) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'taskfleet-webhooks/1', ...headers },
        lookup: guardedLookup(options, portOf(target)),
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        res.resume(); // the answer's body is not read: only its status counts
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `receiver answered ${status}` });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve({ ok: false, error: error.message, permanent: error.name === 'ForbiddenAddressError' }));
    req.end(body);
  });
}
