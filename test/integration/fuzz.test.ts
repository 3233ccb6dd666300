import fc from 'fast-check';
import { Agent, request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../shared/domain/limits.js';
import { ROUTES } from '../../shared/topology/routes.js';
import { CREATING_ROUTES, EDGE_BODIES, requestsFor, type HostileRequest } from '../fuzz/route-cases.js';
import { waitFor } from '../helpers/wait.js';
import { useTestStack } from '../helpers/local-stack.js';

/**
 * Hostile requests for every route of the route table, against the local
 * stack: each gets a 4xx with a JSON error body, never a 5xx; a refused request
 * writes nothing; the server keeps answering. FUZZ_RUNS (1,000) requests per
 * route, from FUZZ_SEED (fixed), which a failure prints to replay it. Then bodies
 * at the edge of valid (empty maps and lists), and last one ordinary task, whose
 * events and counters must still come: nothing the fuzz sent may have jammed
 * the event pipeline.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const PARALLEL = 12;

const local = useTestStack();
const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
afterAll(() => agent.destroy());

interface Answer {
  readonly status: number;
  readonly text: string;
}

/** Sends the request exactly as generated: no URL normalisation, no re-encoding. */
function send(req: HostileRequest): Promise<Answer> {
  const { stack } = local;
  const url = new URL(stack.apiUrl);
  const headers: Record<string, string | number> = { 'content-type': 'application/json' };
  if (req.auth === 'token') headers.authorization = `Bearer ${stack.token}`;
  if (req.auth === 'garbage') headers.authorization = 'Bearer tf_not-a-token';
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  if (body !== undefined) headers['content-length'] = body.byteLength;
  return new Promise((resolve, reject) => {
    const r = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(body);
  });
}

/** What is wrong with an answer to a hostile request, or undefined when it is right. */
function problemWith(answer: Answer, mustRefuse: boolean): string | undefined {
  if (answer.status >= 500) return `a ${answer.status}`;
  if (mustRefuse && (answer.status < 400 || answer.status >= 500)) return `a ${answer.status} where a 4xx was due`;
  if (answer.status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return `a ${answer.status} without a JSON body`;
    }
    if (typeof body !== 'object' || body === null || !('error' in body || 'message' in body)) return `a ${answer.status} whose body names no error`;
  }
  return undefined;
}

/** The tenant's records: tasks by status and agents, summed (what a refused request must leave unchanged). */
async function recordCount(): Promise<number> {
  const answer = await send({ method: 'GET', path: '/stats', auth: 'token' });
  const stats = JSON.parse(answer.text) as { tasks: Record<string, number>; workers: { online: number; offline: number } };
  return Object.values(stats.tasks).reduce((a, b) => a + b, 0) + stats.workers.online + stats.workers.offline;
}

/**
 * Per route. A route's 1,000 requests take 1–26 s on this machine, several times that
 * when it is loaded; the test
 * judges answers, not speed, so only a hang should fail it.
 */
const ROUTE_TIMEOUT_MS = 300_000;

describe('hostile requests on every route', () => {
  it.each(ROUTES.map((route) => [route.routeKey, route] as const))(`%s: ${RUNS} requests, each a 4xx with a JSON error or a clean answer, never a 5xx`, async (routeKey, route) => {
    const mustRefuse = CREATING_ROUTES.has(routeKey);
    const requests = fc.sample(requestsFor(route), { numRuns: RUNS, seed: SEED });
    const before = await recordCount();
    const failures: string[] = [];
    let next = 0;
    const statuses = new Map<number, number>();
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < requests.length) {
          const index = next++;
          const req = requests[index]!;
          const answer = await send(req);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const problem = problemWith(answer, mustRefuse && req.auth === 'token');
          if (problem !== undefined && failures.length < 5) {
            failures.push(`#${index} ${req.method} ${req.path.slice(0, 200)} body=${(req.body ?? '').slice(0, 300)} → ${problem}: ${answer.text.slice(0, 300)}`);
          }
        }
      }),
    );
    if (failures.length > 0) console.error(`fuzz ${routeKey} failed; replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n${failures.join('\n')}`);
    expect(failures, `FUZZ_SEED=${SEED}`).toEqual([]);
    if (mustRefuse) expect(await recordCount()).toBe(before);
    expect((await send({ method: 'GET', path: '/health', auth: 'none' })).status).toBe(200);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  }, ROUTE_TIMEOUT_MS);

  it('takes or refuses bodies at the edge of valid (empty maps and lists, unicode, limits), never a 5xx', async () => {
    // An agent offering the capabilities the edge bodies require, so they are placed and written.
    expect((await send({ method: 'POST', path: '/workers', body: JSON.stringify({ capabilities: ['shell', 'edge'] }), auth: 'token' })).status).toBe(201);
    const failures: string[] = [];
    for (const [routeKey, bodies] of Object.entries(EDGE_BODIES)) {
      const [method = 'POST', path = '/'] = routeKey.split(' ');
      for (const body of bodies) {
        const answer = await send({ method, path, body: JSON.stringify(body), auth: 'token' });
        const problem = problemWith(answer, false);
        if (problem !== undefined) failures.push(`${routeKey} ${JSON.stringify(body).slice(0, 200)} → ${problem}: ${answer.text.slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('after all of it, an ordinary task still produces its events and its counters', async () => {
    const api = local.api;
    const agent = await api('POST', '/workers', { capabilities: ['after-fuzz'] });
    const before = (await api('GET', '/stats')).body.tasks.COMPLETED as number;
    const submitted = await api('POST', '/tasks', { type: 'after-fuzz', requires: ['after-fuzz'], payload: { ordinary: true } });
    expect(submitted.status).toBe(202);
    const lease = await api('POST', `/workers/${agent.body.id}/lease`, { max: 1, waitSeconds: 10 });
    const leased = (lease.body.tasks as { id: string; leaseToken: string }[]).find((t) => t.id === submitted.body.id);
    expect(leased).toBeDefined();
    expect((await api('POST', `/tasks/${submitted.body.id}/complete`, { leaseToken: leased!.leaseToken, result: { ok: true } })).status).toBe(200);
    const events = await waitFor(
      async () => ((await api('GET', '/events?limit=500')).body.items as { type: string; task?: { id: string } }[]).filter((e) => e.task?.id === submitted.body.id).map((e) => e.type),
      (types) => types.includes('task.completed'),
      60_000,
      250,
    );
    expect(events).toEqual(['task.created', 'task.started', 'task.completed']);
    await waitFor(async () => (await api('GET', '/stats')).body.tasks.COMPLETED as number, (completed) => completed === before + 1, 60_000, 250);
  }, 150_000);

  it('answers 413 with a JSON error to a body over 6 MB, on every route that takes one, and writes nothing', async () => {
    const before = await recordCount();
    const oversize = JSON.stringify({ type: 'echo', payload: 'x'.repeat(MAX_REQUEST_BYTES) });
    for (const route of ROUTES.filter((r) => r.routeKey.startsWith('POST '))) {
      const path = route.routeKey.split(' ')[1]!.replace(/\{\w+\}/g, 'some-id');
      const answer = await send({ method: 'POST', path, body: oversize, auth: 'token' });
      expect(answer.status, route.routeKey).toBe(413);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'payload_too_large' } });
    }
    expect(await recordCount()).toBe(before);
  });
});
