import fc from 'fast-check';
import { LIMITS } from '../../shared/domain/limits.js';
import type { RouteSpec } from '../../shared/topology/routes.js';
import { anyJson, deepValue, hostileBodyText, hostileQuery, hostileSegment, invalidBody, invalidFor, oddString, poisonJson, prototypeNested, rawNumber } from './hostile.js';

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
      payload: poisonJson,
      priority,
      requires: fc.oneof(fc.constantFrom<unknown>('x', [''], [1], ['a#b'], Array.from({ length: 21 }, (_, i) => `c${i}`)), invalidFor.string(64).map((v) => [v])),
      idempotencyKey: fc.oneof(invalidFor.string(256), fc.constantFrom<unknown>('k#1', 'é', '\u0000')),
      maxAttempts: invalidFor.int(1, LIMITS.maxAttempts),
      timeoutSeconds: invalidFor.int(1, LIMITS.timeoutSeconds),
      delaySeconds: invalidFor.int(0, LIMITS.delaySeconds),
      deadline: fc.constantFrom<unknown>('2020-01-01T00:00:00Z', 'tomorrow', 5, '', '2026-13-45T99:00:00Z'),
      resources: fc.oneof(fc.constantFrom<unknown>({ cpu: -1 }, { gpu: 1.5 }, { memoryMb: 0 }, { cpu: 1e6 }, { foo: 1 }, [], 'x', null), rawNumber.map((cpu) => ({ cpu })), prototypeNested),
      prefers: fc.oneof(fc.constantFrom<unknown>({ '': 1 }, { toString: 1 }, { a: 101 }, { a: 'x' }, [], 'x'), rawNumber.map((w) => ({ a: w }))),
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
        poisonJson.map((item) => ({ type: 'm', items: [1, item] })),
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
  'POST /tasks/{id}/complete': { base: { leaseToken: 't' }, invalid: { ...leaseCall, result: poisonJson }, strict: false },
  'POST /tasks/{id}/fail': {
    base: { leaseToken: 't', error: 'e' },
    invalid: { ...leaseCall, error: invalidFor.string(8192), retryable: fc.constantFrom<unknown>('yes', 1, null), release: fc.constantFrom<unknown>('no', 0) },
    strict: false,
  },
  'POST /workers/{id}/heartbeat': { base: {}, invalid: { running: fc.oneof(fc.constantFrom<unknown>('x', [''], [1], ['a'.repeat(513)], {}), fc.constant(Array.from({ length: 1001 }, (_, i) => `t${i}`))) } },
  'POST /schedules': {
    base: { every: '1h', task: { type: 'echo' } },
    invalid: {
      cron: fc.constantFrom<unknown>('', '* * *', '61 * * * *', 'x'.repeat(300), 5, null),
      every: fc.constantFrom<unknown>('0s', '1', '1y', '367d', 5, null, ''),
      timezone: fc.constantFrom<unknown>('Mars/Olympus', '', 5, 'x'.repeat(65)),
      task: fc.oneof(
        fc.constantFrom<unknown>(null, [], 'x', {}, { type: '' }, { type: 'echo', id: 'fixed' }, { type: 'echo', runAt: '2030-01-01T00:00:00Z' }, { type: 'echo', extra: 1 }, { type: 'echo', resources: { cpu: -1 } }),
        poisonJson.map((payload) => ({ type: 'echo', payload })),
        fc.integer({ min: 262_145, max: 300_000 }).map((n) => ({ type: 'echo', payload: 'x'.repeat(n) })),
      ),
      overlap: fc.constantFrom<unknown>('sometimes', 1, null),
      catchUp: fc.constantFrom<unknown>('some', 1, null),
      startAt: fc.constantFrom<unknown>('yesterday', 5, ''),
      endAt: fc.constantFrom<unknown>('2020-01-01T00:00:00Z', 'never', 5),
      paused: fc.constantFrom<unknown>('yes', 1, null),
    },
  },
  'POST /webhooks': {
    base: { url: 'https://example.com/hook', events: ['task.completed'] },
    invalid: {
      url: fc.constantFrom<unknown>(
        '',
        'not a url',
        'ftp://example.com/',
        'https://u:p@example.com/',
        'http://169.254.169.254/latest/meta-data',
        'http://[::a9fe:a9fe]/',
        'http://[::ffff:169.254.169.254]/',
        'http://[64:ff9b::a9fe:a9fe]/',
        'http://[2002:a9fe:a9fe::]/',
        'http://[2001:0:a9fe:a9fe::1]/',
        'http://10.0.0.1/',
        'http://[fd00:ec2::254]/',
        `https://example.com/${'x'.repeat(2100)}`,
        5,
        null,
      ),
      events: fc.constantFrom<unknown>([], ['task.nope'], 'task.completed', [1], null, Array.from({ length: 40 }, () => 'task.completed')),
      secret: fc.constantFrom<unknown>('short', 'x'.repeat(257), 5, null),
    },
  },
  'PUT /rate-limits/{type}': {
    base: { limit: 10, per: '1s' },
    invalid: { limit: invalidFor.int(1, 100_000), per: fc.constantFrom<unknown>('', '1y', '2d', 'x'.repeat(17), 5, null, 'soon') },
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
export const CREATING_ROUTES: ReadonlySet<string> = new Set(['POST /tasks', 'POST /tasks/batch', 'POST /workers', 'POST /jobs', 'POST /schedules', 'POST /webhooks', 'PUT /rate-limits/{type}']);

/**
 * Bodies at the edge of valid, by route: empty maps and lists, unicode, the
 * largest and smallest values. Each may be accepted or refused, never a 5xx, and
 * none may stop what follows (`resources: {}` once jammed the event pipeline).
 */
export const EDGE_BODIES: Readonly<Record<string, readonly unknown[]>> = {
  'POST /tasks': [
    { type: 'edge', requires: ['shell'], resources: {} },
    { type: 'edge', resources: {} },
    { type: 'edge', requires: [], payload: {} },
    { type: 'edge', payload: [] },
    { type: 'edge', payload: { '': '', 'é👩‍👩‍👧‍👦': '\u202e', big: 9007199254740991, tiny: 5e-324, neg: -0 } },
    { type: 'edge', prefers: {}, avoidAgents: [] },
    { type: 'edge', requires: ['shell'], resources: { cpu: 1 }, then: { type: 'edge2' } },
    { type: 'edge', delaySeconds: 0, maxAttempts: 100, timeoutSeconds: 43_200 },
  ],
  'POST /tasks/batch': [{ tasks: [{ type: 'edge', resources: {} }, { type: 'edge', payload: {} }] }],
  'POST /workers': [{ capabilities: ['edge'], labels: {} }, { capabilities: ['edge'], capacity: { slots: 1 }, labels: { 'é': '👩‍👩‍👧‍👦' } }],
  'POST /jobs': [{ map: { type: 'edge', items: [{}, [], '', 0] } }, { map: { type: 'edge', items: [{}], resources: {} } }],
  'POST /schedules': [{ every: '1h', paused: true, task: { type: 'edge', resources: {}, payload: { tiny: 1e-300 } } }],
  'POST /webhooks': [{ url: 'https://example.com/edge', events: ['*'] }],
};

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
