import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook delivery may reach: the pure rules of the SSRF guard
 * (a tenant names the URL, so without them a webhook could read the instance
 * metadata service or reach anything inside the VPC). The socket side, which
 * checks every address a host name resolves to, is the adapter
 * `adapters/http/address-guard.ts`. An IPv6 address that carries an IPv4 one (mapped,
 * compatible, NAT64, 6to4, Teredo) is judged by the IPv4 address it would reach.
 * Ranges come from ipaddr.js (only ordinary unicast passes); the lists below are
 * kept as a second, explicit net.
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
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215): where its IPv4 sits depends on the operator's prefix
  ['fc00::', 7], // unique local, including AWS's IPv6 metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');
}

export interface AddressPolicy {
  /** Let deliveries reach loopback (the local runtime and tests). @default false */
  readonly allowLoopback?: boolean;
  /** Let deliveries reach any address: an operator whose receivers live in the VPC. @default false */
  readonly allowPrivate?: boolean;
  /** Ports never reached on loopback even when it is allowed: the local stack's own emulators and API. @default [] */
  readonly forbiddenLoopbackPorts?: readonly number[];
}

const v4 = (high: number, low: number): ipaddr.IPv4 => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/**
 * The IPv4 addresses an IPv6 address carries, which a translator or tunnel on
 * the path would deliver to; undefined when it carries none.
 */
export function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4[] | undefined {
  const p = address.parts;
  switch (address.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d (IPv4-translated)
      return [v4(p[6]!, p[7]!)];
    case 'rfc6052': // 64:ff9b::a.b.c.d (NAT64); the /48 local-use prefix is refused whole (FORBIDDEN)
      return p[2] === 0 ? [v4(p[6]!, p[7]!)] : undefined;
    case '6to4': // 2002:AABB:CCDD::/48
      return [v4(p[1]!, p[2]!)];
    case 'teredo': // 2001:0:<server v4>:<flags>:<port>:<client v4, inverted>
      return [v4(p[2]!, p[3]!), v4(~p[6]! & 0xffff, ~p[7]! & 0xffff)];
    default:
      // IPv4-compatible ::a.b.c.d (deprecated, still routed by some stacks); :: and ::1 are themselves.
      return p.slice(0, 6).every((part) => part === 0) && (p[6] !== 0 || p[7]! > 1) ? [v4(p[6]!, p[7]!)] : undefined;
  }
}

function isForbiddenIpv4(address: ipaddr.IPv4, policy: AddressPolicy): boolean {
  const range = address.range();
  if (range === 'loopback') return policy.allowLoopback !== true;
  return range !== 'unicast' || FORBIDDEN.check(address.toString(), 'ipv4');
}

/** Is a delivery to this IP address refused? An IPv6 address carrying an IPv4 one is judged as that IPv4 address. */
export function isForbiddenAddress(address: string, policy: AddressPolicy = {}): boolean {
  if (policy.allowPrivate === true) return false;
  if (!ipaddr.isValid(address)) return true;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return isForbiddenIpv4(parsed as ipaddr.IPv4, policy);
  const v6 = parsed as ipaddr.IPv6;
  const carried = embeddedIpv4(v6);
  if (carried !== undefined) return carried.some((inner) => isForbiddenIpv4(inner, policy));
  const range = v6.range();
  if (range === 'loopback') return policy.allowLoopback !== true;
  return range !== 'unicast' || FORBIDDEN.check(v6.toNormalizedString(), 'ipv6');
}

/** Is this address loopback, itself or as the IPv4 address it carries? */
function isLoopback(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'loopback';
  return parsed.range() === 'loopback' || (embeddedIpv4(parsed as ipaddr.IPv6)?.some((inner) => inner.range() === 'loopback') ?? false);
}

/** Is a delivery to this address and port refused (the address rules, and the local stack's own ports on loopback)? */
export function isForbiddenTarget(address: string, port: number, policy: AddressPolicy = {}): boolean {
  if (isForbiddenAddress(address, policy)) return true;
  return policy.allowPrivate !== true && (policy.forbiddenLoopbackPorts ?? []).includes(port) && isLoopback(address);
}

/** The port a URL connects to. */
export const portOf = (url: URL): number => (url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/** A URL a webhook may be registered with: http(s), and not a literal forbidden IP (in any of its IPv6 spellings). */
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
  if (isIP(host) !== 0 && isForbiddenTarget(host, portOf(url), policy)) return 'must not be a private, loopback, link-local or metadata address, nor one of this stack’s own ports';
  return undefined;
}
