import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * The SSRF guard of webhook deliveries: a tenant names the URL, so without it a
 * webhook could read the instance metadata service or reach anything inside the
 * VPC. Every address a host name resolves to is checked, and the connection is
 * made to exactly the address that was checked (the guard IS the socket's
 * `lookup`), so a DNS answer that changes between check and connect (rebinding)
 * cannot slip through.
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, including the metadata service 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local, including AWS's IPv6 metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export interface AddressPolicy {
  /** Let deliveries reach loopback (the local runtime and tests). @default false */
  readonly allowLoopback?: boolean;
  /** Let deliveries reach any address: an operator whose receivers live in the VPC. @default false */
  readonly allowPrivate?: boolean;
}

/** Is a delivery to this IP address refused? (`::ffff:a.b.c.d` is judged as `a.b.c.d`.) */
export function isForbiddenAddress(address: string, policy: AddressPolicy = {}): boolean {
  if (policy.allowPrivate === true) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(ip) === 0) return true;
  if (policy.allowLoopback === true && LOOPBACK.check(ip, family)) return false;
  return FORBIDDEN.check(ip, family);
}

export class ForbiddenAddressError extends Error {
  constructor(readonly host: string, readonly address: string) {
    super(`refusing to deliver to ${host} (${address}): private, loopback, link-local or metadata address`);
    this.name = 'ForbiddenAddressError';
  }
}

/**
 * A `lookup` for node:http(s) requests: resolves like the default, then refuses
 * the connection if any resolved address is forbidden.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) return callback(error, '', 4);
      const bad = addresses.find((a) => isForbiddenAddress(a.address, policy));
      if (bad !== undefined) return callback(new ForbiddenAddressError(hostname, bad.address), '', 4);
      const first = addresses[0];
      if (first === undefined) return callback(new Error(`${hostname} has no address`), '', 4);
      if ((options as { all?: boolean }).all === true) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

/** A URL a webhook may be registered with: http(s), and not a literal forbidden IP. */
export function checkWebhookUrl(raw: string, policy: AddressPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be http or https';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && isForbiddenAddress(host, policy)) return 'must not be a private, loopback, link-local or metadata address';
  return undefined;
}
