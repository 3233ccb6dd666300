import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isForbiddenTarget, type AddressPolicy } from '../../domain/webhook-address.js';

// local/runtime.ts reads the port rule from here; it moves to the domain import with the composition-root refactor.
export { portOf } from '../../domain/webhook-address.js';

/*
 * The SSRF guard of webhook deliveries, on the socket: every address a host name
 * resolves to is checked (by the rules of domain/webhook-address.ts), and the
 * connection is made to exactly the address that was checked (the guard IS the
 * socket's `lookup`), so a DNS answer that changes between check and connect
 * (rebinding) cannot slip through.
 */
export class ForbiddenAddressError extends Error {
  constructor(readonly host: string, readonly address: string) {
    super(`refusing to deliver to ${host} (${address}): private, loopback, link-local or metadata address`);
    this.name = 'ForbiddenAddressError';
  }
}

/**
 * A `lookup` for node:http(s) requests to `port`: resolves like the default,
 * then refuses the connection if any resolved address is forbidden.
 */
export function guardedLookup(policy: AddressPolicy, port: number): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) return callback(error, '', 4);
      const bad = addresses.find((a) => isForbiddenTarget(a.address, port, policy));
      if (bad !== undefined) return callback(new ForbiddenAddressError(hostname, bad.address), '', 4);
      const first = addresses[0];
      if (first === undefined) return callback(new Error(`${hostname} has no address`), '', 4);
      if ((options as { all?: boolean }).all === true) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

