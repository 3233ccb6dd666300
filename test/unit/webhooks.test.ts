import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isForbiddenAddress, isForbiddenTarget } from '../../shared/domain/webhook-address.js';
import { sendWebhook } from '../../shared/adapters/http/webhook-sender.js';
import { DEFAULT_DELIVERY_RETRY, nextDeliveryDelay } from '../../shared/domain/webhook.js';
import { deliveryIdOf, keepsDeliveryRecord } from '../../shared/domain/webhook-delivery.js';
import { SIGNATURE_HEADER, signWebhook, verifyWebhook, WebhookSignatureError } from '../../sdk/webhooks.js';
import { SIGNATURE_HEADER as SERVER_SIGNATURE_HEADER, signWebhook as signDelivery } from '../../shared/domain/webhook-signature.js';

describe('the SSRF guard', () => {
  it.each(['169.254.169.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '::1', 'fc00::1', 'fd00:ec2::254', 'fe80::1', '::ffff:169.254.169.254', '0.0.0.0'])(
    'refuses %s',
    (ip) => expect(isForbiddenAddress(ip)).toBe(true),
  );

  it.each(['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111'])('allows the public address %s', (ip) => expect(isForbiddenAddress(ip)).toBe(false));

  it('allows loopback only when told, and never the metadata address for it', () => {
    expect(isForbiddenAddress('127.0.0.1', { allowLoopback: true })).toBe(false);
    expect(isForbiddenAddress('::1', { allowLoopback: true })).toBe(false);
    expect(isForbiddenAddress('169.254.169.254', { allowLoopback: true })).toBe(true);
    expect(isForbiddenAddress('10.0.0.5', { allowPrivate: true })).toBe(false);
  });

  it.each([
    '::a9fe:a9fe', // IPv4-compatible
    '::ffff:169.254.169.254', // IPv4-mapped
    '::ffff:0:a9fe:a9fe', // IPv4-translated
    '64:ff9b::a9fe:a9fe', // NAT64
    '64:ff9b::10.0.0.1',
    '64:ff9b:1::a9fe:a9fe', // local-use NAT64
    '2002:a9fe:a9fe::', // 6to4
    '2002:7f00:1::1',
    '2001:0:a9fe:a9fe::1', // Teredo, server 169.254.169.254
    '2001:0:808:808:0:0:f5ff:fffe', // Teredo, client 10.0.0.1 (inverted)
    '2001:db8::1', // documentation
    'fec0::1', // site-local
  ])('refuses %s, an IPv6 form of a blocked or non-public address', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
    expect(checkWebhookUrl(`http://[${ip}]/hook`, {})).toMatch(/private/);
  });

  it.each(['64:ff9b::808:808', '2002:808:808::1', '::ffff:8.8.8.8'])('allows %s, which carries the public 8.8.8.8', (ip) => expect(isForbiddenAddress(ip)).toBe(false));

  it('allows loopback on any port but the stack’s own, in any spelling, when loopback is allowed', () => {
    const local = { allowLoopback: true, forbiddenLoopbackPorts: [4566, 8000] };
    expect(isForbiddenTarget('127.0.0.1', 3000, local)).toBe(false);
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '2002:7f00:1::']) expect(isForbiddenTarget(ip, 4566, local), ip).toBe(true);
    expect(isForbiddenTarget('8.8.8.8', 4566, local)).toBe(false);
    expect(checkWebhookUrl('http://127.0.0.1:8000/hook', local)).toMatch(/own ports/);
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', local)).toBeUndefined();
  });

  it('does not deliver to a name that resolves to the stack’s own port on loopback', async () => {
    const outcome = await sendWebhook('http://localhost:4566/hook', '{}', {}, { allowLoopback: true, forbiddenLoopbackPorts: [4566] });
    expect(outcome).toMatchObject({ ok: false, permanent: true });
  });

  it('refuses a webhook URL naming a forbidden address, a bad scheme or credentials', () => {
    expect(checkWebhookUrl('http://169.254.169.254/latest/meta-data', {})).toMatch(/metadata/);
    expect(checkWebhookUrl('http://[::1]:8080/', {})).toMatch(/loopback/);
    expect(checkWebhookUrl('ftp://example.com/', {})).toMatch(/http/);
    expect(checkWebhookUrl('https://u:p@example.com/', {})).toMatch(/credentials/);
    expect(checkWebhookUrl('https://example.com/hook', {})).toBeUndefined();
  });

  it('does not send to the metadata service, by IP or by a name that resolves to loopback', async () => {
    const byIp = await sendWebhook('http://169.254.169.254/latest/meta-data/', '{}', {}, { allowLoopback: true });
    expect(byIp).toMatchObject({ ok: false, permanent: true });
    const byName = await sendWebhook('http://localhost:9/hook', '{}', {}, {});
    expect(byName).toMatchObject({ ok: false, permanent: true, error: expect.stringMatching(/refusing to deliver to localhost/) });
  });
});

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'e1', type: 'task.completed', tenant: 'acme', at: '2026-01-01T00:00:00.000Z' });
  const now = 1_767_225_600_000;

  it('verifies what it signed and returns the event', () => {
    const header = signWebhook(body, 'whsec_x', now / 1000);
    expect(verifyWebhook(body, header, 'whsec_x', { nowMs: now })).toMatchObject({ id: 'e1', type: 'task.completed' });
    expect(verifyWebhook(Buffer.from(body), `${header},v1=${'0'.repeat(64)}`, 'whsec_x', { nowMs: now }).id).toBe('e1');
  });

  it('refuses a wrong secret, a changed body, an old timestamp and a malformed header', () => {
    const header = signWebhook(body, 'whsec_x', now / 1000);
    expect(() => verifyWebhook(body, header, 'whsec_y', { nowMs: now })).toThrow(WebhookSignatureError);
    expect(() => verifyWebhook(body.replace('acme', 'evil'), header, 'whsec_x', { nowMs: now })).toThrow(/no signature matches/);
    expect(() => verifyWebhook(body, header, 'whsec_x', { nowMs: now + 301_000 })).toThrow(/tolerance/);
    expect(() => verifyWebhook(body, 'v1=abc', 'whsec_x', { nowMs: now })).toThrow(/malformed/);
    expect(() => verifyWebhook(body, undefined, 'whsec_x')).toThrow(/no signature header/);
  });

  it("verifies what the server's delivery signer signs, under the header name the server sends", () => {
    const header = signDelivery(body, 'whsec_x', now / 1000);
    expect(header).toBe(signWebhook(body, 'whsec_x', now / 1000));
    expect(SERVER_SIGNATURE_HEADER).toBe(SIGNATURE_HEADER);
    expect(verifyWebhook(body, header, 'whsec_x', { nowMs: now }).id).toBe('e1');
  });
});

describe('delivery backoff', () => {
  const first = '2026-01-01T00:00:00.000Z';
  it('grows exponentially with full jitter, capped at 15 minutes', () => {
    expect(nextDeliveryDelay(1, first, new Date(first), DEFAULT_DELIVERY_RETRY, 0.999)).toBe(30);
    expect(nextDeliveryDelay(3, first, new Date(first), DEFAULT_DELIVERY_RETRY, 0.999)).toBe(120);
    expect(nextDeliveryDelay(20, first, new Date(first), DEFAULT_DELIVERY_RETRY, 0.999)).toBe(900);
    expect(nextDeliveryDelay(3, first, new Date(first), DEFAULT_DELIVERY_RETRY, 0)).toBe(0);
  });

  it('gives up after 24 hours or the last attempt', () => {
    expect(nextDeliveryDelay(50, first, new Date('2026-01-01T23:50:00.000Z'), DEFAULT_DELIVERY_RETRY, 0.999)).toBeUndefined();
    expect(nextDeliveryDelay(50, first, new Date('2026-01-01T23:00:00.000Z'), DEFAULT_DELIVERY_RETRY, 0.999)).toBe(900);
    expect(nextDeliveryDelay(3, first, new Date(first), { ...DEFAULT_DELIVERY_RETRY, maxAttempts: 3 }, 0.5)).toBeUndefined();
  });
});

describe("a webhook delivery's record", () => {
  const message = { firstAttemptAt: '2026-01-02T03:04:05.678Z', event: { id: 't1:3:task.completed' } };

  it('is named by its first attempt, so ids sort by time, and a redelivery keeps the name', () => {
    expect(deliveryIdOf(message)).toBe(`${Date.parse(message.firstAttemptAt)}_t1:3:task.completed`);
    expect(deliveryIdOf({ ...message, firstAttemptAt: '1970-01-01T00:00:01.000Z' })).toBe('0000000001000_t1:3:task.completed');
    expect(deliveryIdOf({ ...message, firstAttemptAt: '2026-05-05T00:00:00Z', deliveryId: 'kept' })).toBe('kept');
  });

  it('is written by every failed attempt, and by a success only when it ends one that failed', () => {
    expect(keepsDeliveryRecord(true, 1, false)).toBe(false);
    expect(keepsDeliveryRecord(false, 1, false)).toBe(true);
    expect(keepsDeliveryRecord(true, 2, false)).toBe(true);
    expect(keepsDeliveryRecord(true, 1, true)).toBe(true);
  });
});
