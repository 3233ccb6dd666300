import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import type { TaskfleetFunction } from '../../infra/constructs/taskfleet-function.js';
import type { Access, AccessTarget } from '../../shared/topology/access.js';
import { AUTHORIZER_ACCESS, RECONCILER_ACCESS, ROUTES, SCHEDULE_TICK_ACCESS, WORKER_ACCESS } from '../../shared/topology/routes.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';
import { StackTemplate } from './stack-template.js';

/**
 * The emulators enforce no IAM, so an action a code path needs but its role
 * lacks only shows on AWS, as an AccessDenied (often swallowed into a retry).
 * This checks every function's synthesized policy against the declared map
 * (shared/topology/access.ts) in both directions: nothing declared is missing,
 * nothing granted is unused.
 */
let t: StackTemplate;
beforeAll(() => {
  t = new StackTemplate(buildApp({ skipBundling: true, nag: false }).stack);
}, 120_000);

const key = (value: unknown) => JSON.stringify(value);

/** Every function with its declared access and, for a worker, its pool. */
function declaredFunctions(): { name: string; fn: TaskfleetFunction; access: Access; pool?: string }[] {
  return [
    ...ROUTES.map((r) => ({ name: r.functionName, fn: t.byRoute(r.routeKey), access: r.access })),
    { name: 'Authorizer', fn: t.stack.functions.authorizer, access: AUTHORIZER_ACCESS },
    { name: 'Reconciler', fn: t.stack.reconciler.function, access: RECONCILER_ACCESS },
    { name: 'ScheduleTick', fn: t.stack.scheduleTicker.function, access: SCHEDULE_TICK_ACCESS },
    ...[...t.stack.workers.keys()].map((pool) => ({ name: `Worker-${pool}`, fn: t.worker(pool), access: WORKER_ACCESS, pool })),
  ];
}

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

describe('IAM coverage: declared access = synthesized policy', () => {
  it.each(ROUTES.map((r) => [r.functionName] as const).concat([['Authorizer'], ['Reconciler'], ...[...TOPOLOGY.pools.filter((p) => p.runsOn === 'lambda').map((p) => [`Worker-${p.name}`] as [string])]]))(
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

  it('keeps the authorizer to one GetItem on token items (dynamodb:LeadingKeys TOKEN#*)', () => {
    const fn = t.stack.functions.authorizer;
    expect([...actionsOf(fn)].filter((a) => !a.startsWith('logs:'))).toEqual(['dynamodb:GetItem']);
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
    expect(writers.sort()).toEqual(['Reconciler', 'SubmitJob', ...[...t.stack.workers.keys()].map((p) => `Worker-${p}`)].sort());
  });

  it('lets every function that can finish a task send to every work queue (next stages and reduces)', () => {
    const finishers = ['CancelTask', 'LeaseTasks', 'CompleteTask', 'FailTask', 'CancelJob', 'Reconciler', ...[...t.stack.workers.keys()].map((p) => `Worker-${p}`)];
    const workQueues = t.stack.queues.workQueues.map((queue) => `sqs:SendMessage ${key(t.arnOf(queue))}`);
    for (const { name, fn } of declaredFunctions().filter((f) => finishers.includes(f.name))) {
      const have = granted(fn);
      expect(workQueues.filter((g) => !have.has(g)), name).toEqual([]);
    }
  });

  it('lets no read route write the table or touch a queue', () => {
    for (const routeKey of ['GET /tasks/{id}', 'GET /tasks', 'GET /jobs/{id}']) {
      const actions = [...actionsOf(t.byRoute(routeKey))];
      expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a) || a.startsWith('sqs:')), routeKey).toEqual([]);
    }
  });

  it('gives no API function or the reconciler a Lambda pool’s consume actions or DLQ', () => {
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
