import fc from 'fast-check';
import type { RouteSpec } from '../../shared/topology/routes.js';
import { anyJson, deepValue, hostileBodyText, hostileQuery, hostileSegment, invalidBody, invalidFor, oddString } from './hostile.js';

/** One generated request. */
export interface HostileRequest {
  readonly method: string;
  /** Raw path and query, sent as is (no URL normalisation). */
  readonly path: string;
  readonly body?: string;
  /** Send without the Authorization header, or with a wrong one. */
  readonly auth: 'token' | 'none' | 'garbage';
}

const priority = fc.oneof(fc.constantFrom<unknown>('urgent', 'HIGH', 1, null, ''), oddString.filter((s) => !['critical', 'high', 'normal', 'low'].includes(s)));
const leaseCall = { leaseToken: invalidFor.string(256) };

/** What must be refused in each body, by route: the invalid values of each field of a valid base. */
const BODIES: Record<string, { base: Record<string, unknown>; invalid: Record<string, fc.Arbitrary<unknown>>; strict?: boolean }> = {
  'POST /tasks': {
    base: { type: 'echo' },
    invalid: {
      id: invalidFor.id,
      type: invalidFor.string(128),
      payload: deepValue,
      priority,
      requires: fc.oneof(fc.constantFrom<unknown>('x', [''], [1], ['a#b'], Array.from({ length: 21 }, (_, i) => `c${i}`)), invalidFor.string(64).map((v) => [v])),
      idempotencyKey: fc.oneof(invalidFor.string(256), fc.constantFrom<unknown>('k#1', 'é', '\u0000')),
      maxAttempts: invalidFor.int(1, 100),
      timeoutSeconds: invalidFor.int(1, 43_200),
      delaySeconds: invalidFor.int(0, 900),
      deadline: fc.constantFrom<unknown>('2020-01-01T00:00:00Z', 'tomorrow', 5, '', '2026-13-45T99:00:00Z'),
      resources: fc.constantFrom<unknown>({ cpu: -1 }, { gpu: 1.5 }, { memoryMb: 0 }, { cpu: 1e6 }, { foo: 1 }, [], 'x', null),
      then: fc.constantFrom<unknown>({ type: '' }, { type: 'a#b' }, { requires: ['x'] }, 'x', null, { type: 'ok', extra: 1 }),
    },
  },
  'POST /tasks/batch': {
    base: { tasks: [{ type: 'echo' }] },
    invalid: {
      tasks: fc.oneof(
        fc.constantFrom<unknown>([], null, 'x', {}, Array.from({ length: 501 }, () => ({ type: 'echo' }))),
        fc.array(fc.oneof(anyJson, fc.constant({ type: 'a'.repeat(129) }), fc.constant({ type: 'echo', payload: 1, priority: 'urgent' }), deepValue.map((payload) => ({ type: 'echo', payload }))), { minLength: 1, maxLength: 5 }).map((items) =>
          items.map((item) => (typeof item === 'object' && item !== null && !Array.isArray(item) && 'type' in item ? item : { not: item })),
        ),
      ),
    },
  },
  'POST /workers': {
    base: { capabilities: ['shell'] },
    invalid: {
      name: invalidFor.string(128),
      capabilities: fc.constantFrom<unknown>([], [''], 'shell', [1], Array.from({ length: 51 }, (_, i) => `c${i}`), null),
      capacity: fc.constantFrom<unknown>({ slots: 0 }, { slots: 1001 }, { slots: 1, cpu: -1 }, { slots: 1, extra: 1 }, {}, 'x'),
      labels: fc.oneof(
        fc.constantFrom<unknown>({ constructor: 'y' }, { '': 'x' }, { toString: 'x' }, { a: 1 }, { a: 'x'.repeat(257) }, [], 'x', null),
        fc.integer({ min: 65, max: 2000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))),
      ),
    },
  },
  'POST /jobs': {
    base: { map: { type: 'm', items: [1] } },
    invalid: {
      map: fc.oneof(
        fc.constantFrom<unknown>(null, [], 'x', { type: 'm' }, { type: 'm', items: [] }, { type: '', items: [1] }, { type: 'm', items: [1], extra: 1 }),
        deepValue.map((item) => ({ type: 'm', items: [item] })),
      ),
      reduce: fc.constantFrom<unknown>({ type: '' }, 'x', null, { type: 'a#b' }),
      priority,
      requires: fc.constantFrom<unknown>([''], 'x', [1]),
      failurePolicy: fc.constantFrom<unknown>({ maxFailedFraction: 2 }, { maxFailedFraction: -1 }, 'x', { x: 1 }),
    },
  },
  'POST /workers/{id}/lease': { base: {}, invalid: { max: invalidFor.int(1, 100), waitSeconds: invalidFor.int(0, 20) } },
  'POST /tasks/{id}/heartbeat': { base: { leaseToken: 't' }, invalid: leaseCall, strict: false },
  'POST /tasks/{id}/progress': {
    base: { leaseToken: 't', fraction: 0.5 },
    invalid: { ...leaseCall, fraction: fc.constantFrom<unknown>(-0.1, 1.1, '0.5', null), message: invalidFor.string(1024) },
    strict: false,
  },
  'POST /tasks/{id}/complete': { base: { leaseToken: 't' }, invalid: { ...leaseCall, result: deepValue }, strict: false },
  'POST /tasks/{id}/fail': {
    base: { leaseToken: 't', error: 'e' },
    invalid: { ...leaseCall, error: invalidFor.string(8192), retryable: fc.constantFrom<unknown>('yes', 1, null), release: fc.constantFrom<unknown>('no', 0) },
    strict: false,
  },
  'POST /dlq/redrive': {
    base: {},
    invalid: {
      taskIds: fc.constantFrom<unknown>([], [''], 'x', ['a'.repeat(257)], Array.from({ length: 101 }, (_, i) => `t${i}`)),
      max: invalidFor.int(1, 100),
      pool: oddString.filter((s) => s !== 'general' && s !== 'gpu'),
      priority,
    },
  },
};

/** Routes whose valid request would create a record: every generated body for them must be refused. */
export const CREATING_ROUTES: ReadonlySet<string> = new Set(['POST /tasks', 'POST /tasks/batch', 'POST /workers', 'POST /jobs']);

/**
 * Hostile requests for one route of the route table: its `{params}` filled with
 * hostile segments, a hostile query, and (for a route with a body) a body that
 * must be refused; now and then without or with a wrong token.
 */
export function requestsFor(route: RouteSpec): fc.Arbitrary<HostileRequest> {
  const [method = 'GET', template = '/'] = route.routeKey.split(' ');
  const params = [...template.matchAll(/\{(\w+)\}/g)].length;
  const bodies = BODIES[route.routeKey];
  const body: fc.Arbitrary<string | undefined> =
    bodies !== undefined ? invalidBody(bodies.base, bodies.invalid, bodies.strict ?? true) : method === 'GET' || method === 'DELETE' ? fc.option(hostileBodyText, { nil: undefined }) : hostileBodyText;
  const auth = route.authorized
    ? fc.constantFrom<HostileRequest['auth']>('token', 'token', 'token', 'token', 'token', 'token', 'none', 'garbage')
    : fc.constant<HostileRequest['auth']>('token');
  return fc.record({ segments: fc.array(hostileSegment, { minLength: params, maxLength: params }), query: fc.option(hostileQuery, { nil: undefined }), body, auth }).map(({ segments, query, body: text, auth: a }) => {
    let n = 0;
    const path = template.replace(/\{\w+\}/g, () => segments[n++] ?? 'x');
    return { method, path: query !== undefined && query !== '' ? `${path}?${query}` : path, ...(text !== undefined ? { body: text } : {}), auth: a };
  });
}
