import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import type { TaskfleetFunction } from '../../infra/constructs/taskfleet-function.js';
import type { Access, AccessTarget } from '../../shared/topology/access.js';
import {
  AUTHORIZER_ACCESS,
  AUTHORIZER_ENTRY,
  MAPPING_ACCESS,
  SWEEP_ACCESS,
  SWEEP_ENTRY,
  ROUTES,
  SCHEDULE_TICK_ACCESS,
  SCHEDULE_TICK_ENTRY,
  STREAM_CONSUMER_ACCESS,
  WEBHOOK_DELIVERY_ACCESS,
  WORKER_ACCESS,
  WORKER_ENTRY,
} from '../../shared/topology/routes.js';
import { STREAM_CONSUMER_ENTRY, WEBHOOK_DELIVERY_ENTRY } from '../../shared/topology/events.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';
import { readCodeAccess, type CodeAccess } from './code-access.js';
import { formatAccess, nameIn, parseAccess, readmeTable } from './readme-tables.js';
import { StackTemplate } from './stack-template.js';

/**
 * The emulators enforce no IAM, so an action a code path needs but its role
 * lacks only shows on AWS, as an AccessDenied (often swallowed into a retry).
 * This checks every function's synthesized policy against the declared map
 * (shared/topology/access.ts) in both directions: nothing declared is missing,
 * nothing granted is undeclared — and the declared map against what each
 * function's code calls (test/infra/code-access.ts): nothing declared is unused.
 */
let t: StackTemplate;
let code: CodeAccess;
beforeAll(() => {
  t = new StackTemplate(buildApp({ skipBundling: true, nag: false }).stack);
  code = readCodeAccess(process.cwd(), [...new Set(declaredEntries().map((f) => f.entry))]);
}, 300_000);

const key = (value: unknown) => JSON.stringify(value);

/** Every function by name: its entry, its declared access, what its event-source mapping does with its role. */
function declaredEntries(): { name: string; entry: string; access: Access; mapping: Access }[] {
  return [
    ...ROUTES.map((r) => ({ name: r.functionName, entry: r.entry, access: r.access, mapping: {} })),
    { name: 'Authorizer', entry: AUTHORIZER_ENTRY, access: AUTHORIZER_ACCESS, mapping: {} },
    { name: 'Sweep', entry: SWEEP_ENTRY, access: SWEEP_ACCESS, mapping: {} },
    { name: 'ScheduleTick', entry: SCHEDULE_TICK_ENTRY, access: SCHEDULE_TICK_ACCESS, mapping: {} },
    { name: 'Worker', entry: WORKER_ENTRY, access: WORKER_ACCESS, mapping: MAPPING_ACCESS.worker },
    { name: 'StreamConsumer', entry: STREAM_CONSUMER_ENTRY, access: STREAM_CONSUMER_ACCESS, mapping: MAPPING_ACCESS.streamConsumer },
    { name: 'WebhookDelivery', entry: WEBHOOK_DELIVERY_ENTRY, access: WEBHOOK_DELIVERY_ACCESS, mapping: MAPPING_ACCESS.webhookDelivery },
  ];
}

/** Every deployed function with its declared access and, for a worker, its pool. */
function declaredFunctions(): { name: string; fn: TaskfleetFunction; access: Access; pool?: string }[] {
  return [
    ...ROUTES.map((r) => ({ name: r.functionName, fn: t.byRoute(r.routeKey), access: r.access })),
    { name: 'Authorizer', fn: t.stack.functions.authorizer, access: AUTHORIZER_ACCESS },
    { name: 'Sweep', fn: t.stack.sweep.function, access: SWEEP_ACCESS },
    { name: 'ScheduleTick', fn: t.stack.scheduleTicker.function, access: SCHEDULE_TICK_ACCESS },
    ...[...t.stack.workers.keys()].map((pool) => ({ name: `Worker-${pool}`, fn: t.worker(pool), access: WORKER_ACCESS, pool })),
    { name: 'StreamConsumer', fn: t.stack.events.consumer, access: STREAM_CONSUMER_ACCESS },
    { name: 'WebhookDelivery', fn: t.stack.events.delivery, access: WEBHOOK_DELIVERY_ACCESS },
  ];
}

/** The actions of an access map, whatever they act on. */
const actionsIn = (...parts: Access[]): Set<string> => new Set(parts.flatMap((a) => Object.values(a).flat()));

/**
 * Declared against called: `unused` is privilege no code path (nor the function's
 * event-source mapping) uses, `missing` an action the code calls that no grant covers.
 */
function compareWithCode(declared: Access, mapping: Access, called: ReadonlySet<string>): { unused: string[]; missing: string[] } {
  const want = actionsIn(declared);
  const have = new Set([...called, ...actionsIn(mapping)]);
  return { unused: [...want].filter((a) => !have.has(a)).sort(), missing: [...have].filter((a) => !want.has(a)).sort() };
}

/**
 * Actions granted ahead of the code that will call them, per function (none
 * now). The test fails once the code calls one, so an entry never outlives its need.
 */
const AHEAD_OF_CODE: Readonly<Record<string, readonly string[]>> = {};

/** The ARNs (as template intrinsics) each target stands for. */
function arnsOf(target: AccessTarget, pool: string | undefined): unknown[] {
  const queues = [...t.stack.queues.byKey.values()];
  const agentPools = new Set(TOPOLOGY.pools.filter((p) => p.runsOn === 'agents').map((p) => p.name));
  const table = t.arnOf(t.stack.table.table);
  switch (target) {
    case 'table':
    case 'tokenItems':
      return [table];
    case 'indexes':
      return [{ 'Fn::Join': ['', [table, '/index/*']] }];
    case 'workQueues':
      // Lambda pools' only: the topology gives agent pools no work queue.
      return queues.flatMap((q) => (q.work === undefined ? [] : [t.arnOf(q.work.queue)]));
    case 'deadLetters':
      return queues.map((q) => t.arnOf(q.dlq));
    case 'agentDeadLetters':
      return queues.filter((q) => agentPools.has(q.spec.pool)).map((q) => t.arnOf(q.dlq));
    case 'ownWorkQueues':
      return t.stack.queues.forLambdaPool(pool ?? '').map((q) => t.arnOf(q.work.queue));
    case 'ownDeadLetters':
      return queues.filter((q) => q.spec.pool === pool).map((q) => t.arnOf(q.dlq));
    case 'values':
      return [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [t.stack.getLogicalId(t.stack.values.bucket.node.defaultChild as never), 'Arn'] }, '/*']] }];
    case 'tableStream':
      return [{ 'Fn::GetAtt': [t.logicalId(t.stack.table.table), 'StreamArn'] }];
    case 'anyStream':
      return ['*'];
    case 'streamFailures':
      return [t.arnOf(t.stack.events.streamFailures)];
    case 'eventsTopic':
      return [{ Ref: t.logicalId(t.stack.events.topic) }];
    case 'topicKey':
      return [t.arnOf(t.stack.events.key)];
    case 'deliveryQueue':
      return [t.arnOf(t.stack.events.deliveryQueue)];
    case 'deliveryDlq':
      return [t.arnOf(t.stack.events.deliveryDlq)];
  }
}

/** `<action> <resource>` for every declared pair. */
function expected(access: Access, pool: string | undefined): Set<string> {
  return new Set(
    (Object.entries(access) as [AccessTarget, readonly string[]][]).flatMap(([target, actions]) =>
      actions.flatMap((action) => arnsOf(target, pool).map((arn) => `${action} ${key(arn)}`)),
    ),
  );
}

/** `<action> <resource>` for every granted pair, but the log-group writes every function has. */
function granted(fn: TaskfleetFunction): Set<string> {
  return new Set(t.grants(fn).filter((g) => !g.action.startsWith('logs:')).map((g) => `${g.action} ${key(g.resource)}`));
}

/** Every `Allow` statement of a function's role. */
function statements(fn: TaskfleetFunction): any[] {
  const policies = t.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === t.logicalId(fn.role)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
}

describe('IAM coverage: declared access = what the code calls', () => {
  it.each(declaredEntries().map((f) => [f.name] as const))('%s: every declared action is called by its code or its mapping, every call is declared', (name) => {
    const entry = declaredEntries().find((f) => f.name === name)!;
    const called = code.actionsOf(entry.entry);
    const ahead = AHEAD_OF_CODE[name] ?? [];
    expect(ahead.filter((a) => called.has(a)), 'called now: remove from AHEAD_OF_CODE').toEqual([]);
    const { unused, missing } = compareWithCode(entry.access, entry.mapping, new Set([...called, ...ahead]));
    expect(unused, 'granted but unused').toEqual([]);
    expect(
      missing.map((a) => `${a} via ${code.explain(entry.entry, a).join(' → ')}`),
      'called but not declared (AccessDenied on AWS)',
    ).toEqual([]);
  });

  it('fails on an action granted but unused, and on one called but not granted', () => {
    const listSchedules = ROUTES.find((r) => r.routeKey === 'GET /schedules')!;
    const called = code.actionsOf(listSchedules.entry);
    // GET /schedules with the store's whole access, as before issue #23: its writes are unused.
    const withWrites: Access = { table: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] };
    expect(compareWithCode(withWrites, {}, called).unused).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(compareWithCode({ table: ['dynamodb:GetItem'] }, {}, called).missing).toEqual(['dynamodb:Query']);
    // A port's other methods stay out: the schedule store's `save` is not reached from its `list`.
    expect([...called].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
  });
});

describe('IAM coverage: declared access = synthesized policy', () => {
  const names = [
    ...ROUTES.map((r) => r.functionName),
    ...['Authorizer', 'Sweep', 'ScheduleTick', 'StreamConsumer', 'WebhookDelivery'],
    ...TOPOLOGY.pools.filter((p) => p.runsOn === 'lambda').map((p) => `Worker-${p.name}`),
  ];
  it.each(names.map((n) => [n] as const))(
    '%s: nothing declared is missing, nothing granted is unused',
    (name) => {
      const entry = declaredFunctions().find((f) => f.name === name)!;
      const want = expected(entry.access, entry.pool);
      const have = granted(entry.fn);
      expect([...want].filter((g) => !have.has(g)), 'missing (AccessDenied on AWS)').toEqual([]);
      expect([...have].filter((g) => !want.has(g)), 'granted but not declared').toEqual([]);
    },
  );
});

describe('least privilege', () => {
  const actionsOf = (fn: TaskfleetFunction) => new Set(t.grants(fn).map((g) => g.action));

  it('keeps the authorizer to token items: a GetItem, and an UpdateItem of a tenant’s request bucket (dynamodb:LeadingKeys TOKEN#*)', () => {
    const fn = t.stack.functions.authorizer;
    expect([...actionsOf(fn)].filter((a) => !a.startsWith('logs:')).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    const dynamo = statements(fn).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0].Resource).toEqual(t.arnOf(t.stack.table.table)); // no index, no stream
    expect(dynamo[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TOKEN#*'] } });
  });

  it('grants no function DeleteItem, Scan, GetQueueUrl or a wildcard action', () => {
    for (const { name, fn } of declaredFunctions()) {
      const actions = [...actionsOf(fn)];
      // DeleteItem only where a schedule's due item moves, a webhook or a rate limit is deleted (shared/topology/access.ts).
      const deletes = name.includes('Schedule') || name.includes('Webhook') || name === 'DeleteRateLimit';
      const forbidden = ['dynamodb:Scan', 'sqs:GetQueueUrl', ...(deletes ? [] : ['dynamodb:DeleteItem'])];
      for (const action of forbidden) expect(actions, name).not.toContain(action);
      expect(actions.filter((a) => a.includes('*')), name).toEqual([]);
    }
  });

  it('grants BatchWriteItem only where children of a job are written in bulk (submit, expansion on a worker, the sweep)', () => {
    const writers = declaredFunctions().filter(({ fn }) => actionsOf(fn).has('dynamodb:BatchWriteItem')).map((f) => f.name);
    expect(writers.sort()).toEqual(['SubmitJob', 'Sweep', ...[...t.stack.workers.keys()].map((p) => `Worker-${p}`)].sort());
  });

  it('lets every function that can finish a task send to every work queue (next stages and reduces)', () => {
    const finishers = ['CancelTask', 'LeaseTasks', 'CompleteTask', 'FailTask', 'CancelJob', 'Sweep', ...[...t.stack.workers.keys()].map((p) => `Worker-${p}`)];
    const workQueues = t.stack.queues.workQueues.map((queue) => `sqs:SendMessage ${key(t.arnOf(queue))}`);
    for (const { name, fn } of declaredFunctions().filter((f) => finishers.includes(f.name))) {
      const have = granted(fn);
      expect(workQueues.filter((g) => !have.has(g)), name).toEqual([]);
    }
  });

  it('lets no read route write the table or touch a queue', () => {
    const reads = ['GET /tasks/{id}', 'GET /tasks', 'GET /jobs/{id}', 'GET /jobs', 'GET /schedules', 'GET /schedules/{id}', 'GET /webhooks', 'GET /rate-limits', 'GET /events', 'GET /workers', 'GET /workers/{id}', 'GET /stats'];
    for (const routeKey of reads) {
      const actions = [...actionsOf(t.byRoute(routeKey))];
      expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a) || /^(sqs|s3):(Send|Delete|Put|Change)/.test(a)), routeKey).toEqual([]);
    }
  });

  it('gives no API function or the sweep a Lambda pool’s consume actions or DLQ', () => {
    const lambdaQueues = [...t.stack.workers.keys()].flatMap((pool) => t.stack.queues.forLambdaPool(pool));
    const forbidden = new Set([
      ...lambdaQueues.flatMap(({ work }) =>
        ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'].map((a) => `${a} ${key(t.arnOf(work.queue))}`),
      ),
      ...lambdaQueues.map(({ dlq }) => `sqs:SendMessage ${key(t.arnOf(dlq))}`),
    ]);
    for (const { name, fn, pool } of declaredFunctions().filter((f) => f.pool === undefined)) {
      expect([...granted(fn)].filter((g) => forbidden.has(g)), `${name} ${pool ?? ''}`).toEqual([]);
    }
  });

  it('gives no role a managed policy; each writes logs only to its own group', () => {
    for (const { name, fn } of declaredFunctions()) {
      expect(t.resource(fn.role).Properties.ManagedPolicyArns, name).toBeUndefined();
      const logs = t.grants(fn).filter((g) => g.action.startsWith('logs:'));
      expect(logs.map((g) => g.action).sort(), name).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      for (const grant of logs) expect(grant.resource, name).toEqual(t.arnOf(fn.logGroup));
    }
  });
});

describe('README: “What each function may do” = synthesized policies', () => {
  const rows = () => readmeTable('### What each function may do');
  /** A README row's name → the deployed functions it stands for (`Worker-<pool>`: every Lambda pool's). */
  const functionsOf = (name: string) =>
    name === 'Worker-<pool>' ? declaredFunctions().filter((f) => f.pool !== undefined) : declaredFunctions().filter((f) => f.name === name);

  it('has one row per function, none missing, none extra', () => {
    const named = rows().map(([cell]) => nameIn(cell!));
    const deployed = declaredFunctions().map((f) => (f.pool === undefined ? f.name : 'Worker-<pool>'));
    expect(named.sort()).toEqual([...new Set(deployed)].sort());
  });

  it('states each function’s grants exactly as synthesized', () => {
    for (const [nameCell, , accessCell] of rows()) {
      const name = nameIn(nameCell!);
      const stated = parseAccess(accessCell!);
      for (const { fn, access, pool } of functionsOf(name)) {
        // A mismatch shows the line the README should have.
        expect(formatAccess(stated), `${name}: the README should read ${formatAccess(access)}`).toEqual(formatAccess(access));
        const want = expected(stated, pool);
        const have = granted(fn);
        expect([...have].filter((g) => !want.has(g)), `${name}: granted, not in the README`).toEqual([]);
        expect([...want].filter((g) => !have.has(g)), `${name}: in the README, not granted`).toEqual([]);
      }
    }
  });
});
