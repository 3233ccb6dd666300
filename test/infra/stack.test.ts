import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import type { TaskfleetStack } from '../../infra/taskfleet-stack.js';
import { DEFAULT_ROUTE_TIMEOUT_SECONDS } from '../../infra/constructs/api-functions.js';
import { ENV } from '../../shared/config-keys.js';
import { PRIORITIES } from '../../shared/domain/priority.js';
import { ROUTES, SCHEDULE_TICK_EVERY_MINUTES, SCHEDULE_TICK_WINDOW_SECONDS, SWEEP_EVERY_MINUTES, WORKER_POOL_ENV } from '../../shared/topology/routes.js';
import { TABLE } from '../../shared/topology/table.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';
import { flattenJoin, StackTemplate } from './stack-template.js';

// One synth (bundling skipped, cdk-nag off) for the template assertions; the
// cdk-nag tests synthesize their own apps, so a finding fails only them.
let t: StackTemplate;

beforeAll(() => {
  t = new StackTemplate(buildApp({ skipBundling: true, nag: false }).stack);
}, 120_000);

/** An ARN intrinsic as a comparable string; `arnKeys` sorts a list of them. */
const arnKey = (arn: unknown) => JSON.stringify(arn);
const arnKeys = (arns: readonly unknown[]) => arns.map(arnKey).sort();
const isEqual = (a: unknown, b: unknown) => arnKey(a) === arnKey(b);

/** Pools fed to a Lambda worker, and pools whose tasks external agents lease over HTTP. */
const lambdaPools = TOPOLOGY.pools.filter((p) => p.runsOn === 'lambda');
const agentPools = TOPOLOGY.pools.filter((p) => p.runsOn === 'agents');
const runsOn = (pool: string) => TOPOLOGY.pools.find((p) => p.name === pool)!.runsOn;
const lambdaQueueSpecs = TOPOLOGY.queues.filter((q) => runsOn(q.pool) === 'lambda');
const agentQueueSpecs = TOPOLOGY.queues.filter((q) => runsOn(q.pool) === 'agents');
/** A Lambda pool × priority's work queue (agent pools have none). */
const workQueueOf = (key: string) => {
  const work = t.stack.queues.byKey.get(key)?.work;
  if (work === undefined) throw new Error(`${key} has no work queue`);
  return work.queue;
};

function routeResource(routeKey: string) {
  const [route] = Object.values(
    t.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }),
  );
  if (!route) throw new Error(`no route ${routeKey}`);
  return route;
}

describe('queues', () => {
  it('has a DLQ per pool × priority and a work queue per Lambda pool × priority only', () => {
    expect(agentQueueSpecs.length).toBeGreaterThan(0);
    const count = Object.keys(t.findResources('AWS::SQS::Queue')).length;
    // Plus the events pipeline's three: webhook deliveries, their DLQ, stream records given up on.
    expect(count).toBe(TOPOLOGY.queues.length + lambdaQueueSpecs.length + 3);
    for (const spec of agentQueueSpecs) expect(t.stack.queues.byKey.get(spec.key)!.work, spec.key).toBeUndefined();
    // Every DLQ, an agent pool's too, keeps its letters 14 days (the SQS maximum) for GET /dlq and redrive.
    for (const { spec, dlq } of t.stack.queues.byKey.values()) {
      expect(t.resource(dlq).Properties.MessageRetentionPeriod, spec.key).toBe(14 * 24 * 3600);
    }
  });

  it('names no queue after an agent pool but its DLQs (nothing would consume a work queue there)', () => {
    const names = Object.values(t.findResources('AWS::SQS::Queue')).map((q) => (q.Properties.QueueName as string | undefined) ?? '');
    for (const pool of agentPools) {
      const own = names.filter((n) => n.startsWith(`${t.stack.stackName}-${pool.name}-`));
      expect(own.sort(), pool.name).toEqual(PRIORITIES.map((p) => `${t.stack.stackName}-${pool.name}-${p}-dlq`).sort());
    }
  });

  it.each(lambdaQueueSpecs.map((spec) => [spec.key, spec] as const))(
    '%s keeps messages 14 days and redrives to its own DLQ after the spec’s maxReceiveCount',
    (key, spec) => {
      const { dlq } = t.stack.queues.byKey.get(key)!;
      expect(t.resource(workQueueOf(key)).Properties).toMatchObject({
        VisibilityTimeout: spec.work!.visibilityTimeoutSeconds,
        MessageRetentionPeriod: 14 * 24 * 3600,
        RedrivePolicy: { maxReceiveCount: spec.work!.maxReceiveCount, deadLetterTargetArn: t.arnOf(dlq) },
      });
      expect(t.resource(dlq).Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(t.resource(dlq).Properties.RedrivePolicy).toBeUndefined();
    },
  );

  it('encrypts every queue with SQS-managed keys', () => {
    for (const queue of Object.values(t.findResources('AWS::SQS::Queue'))) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('denies non-TLS access to every queue', () => {
    const denyInsecure = t.findResources('AWS::SQS::QueuePolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
    });
    const guarded = new Set(
      Object.values(denyInsecure).flatMap((p) => (p.Properties.Queues as { Ref: string }[]).map((q) => q.Ref)),
    );
    for (const { work, dlq } of t.stack.queues.byKey.values()) {
      if (work !== undefined) expect(guarded).toContain(t.logicalId(work.queue));
      expect(guarded).toContain(t.logicalId(dlq));
    }
  });
});

describe('task table', () => {
  it('is on-demand with PITR, TTL and a NEW_AND_OLD_IMAGES stream', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('has the four GSIs from TABLE, string keys, projecting what lists, the ready set and the timers read', () => {
    const table = t.resource(t.stack.table.table).Properties;
    const indexes = table.GlobalSecondaryIndexes as any[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(Object.values(TABLE.indexes).map((i) => i.name).sort());
    for (const spec of Object.values(TABLE.indexes)) {
      const index = indexes.find((i) => i.IndexName === spec.name);
      expect(index.KeySchema).toEqual([
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ]);
      const projected = spec.projection;
      expect(index.Projection.ProjectionType).toBe('INCLUDE');
      expect([...index.Projection.NonKeyAttributes].sort()).toEqual([...projected].sort());
    }
    for (const attribute of table.AttributeDefinitions) expect(attribute.AttributeType).toBe('S');
  });
});

describe('task table, provisioned (`-c tableCapacity=provisioned`)', () => {
  let p: StackTemplate;
  beforeAll(() => {
    p = new StackTemplate(buildApp({ skipBundling: true, nag: true, context: { tableCapacity: 'provisioned' } }).stack);
  }, 120_000);

  it('is provisioned at the minimum, and autoscales reads and writes of the table and every index to 70 %', () => {
    const table = p.resource(p.stack.table.table).Properties;
    expect(table.BillingMode).toBeUndefined(); // CloudFormation's default: PROVISIONED
    expect(table.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    for (const index of table.GlobalSecondaryIndexes as any[]) expect(index.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    const targets = Object.values(p.findResources('AWS::ApplicationAutoScaling::ScalableTarget'));
    const dimensions = targets.map((r) => r.Properties.ScalableDimension as string).sort();
    const indexes = Object.keys(TABLE.indexes).length;
    expect(dimensions.filter((d) => d === 'dynamodb:table:ReadCapacityUnits')).toHaveLength(1);
    expect(dimensions.filter((d) => d === 'dynamodb:table:WriteCapacityUnits')).toHaveLength(1);
    expect(dimensions.filter((d) => d === 'dynamodb:index:ReadCapacityUnits')).toHaveLength(indexes);
    expect(dimensions.filter((d) => d === 'dynamodb:index:WriteCapacityUnits')).toHaveLength(indexes);
    for (const target of targets) expect(target.Properties).toMatchObject({ MinCapacity: 5, MaxCapacity: 4000 });
    const policies = Object.values(p.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'));
    expect(policies).toHaveLength(targets.length);
    for (const policy of policies) expect(policy.Properties.TargetTrackingScalingPolicyConfiguration.TargetValue).toBe(70);
  });

  it('refuses an unknown capacity mode and a range that makes no sense', () => {
    expect(() => buildApp({ skipBundling: true, nag: false, context: { tableCapacity: 'cheap' } })).toThrow(/on-demand" or "provisioned/);
    expect(() =>
      buildApp({ skipBundling: true, nag: false, stackProps: { tableCapacity: { mode: 'provisioned', writeUnits: { min: 10, max: 5 }, readUnits: { min: 1, max: 5 } } } }),
    ).toThrow(/min ≤ max/);
  });
});

describe('HTTP API', () => {
  it('has a route for every ROUTES entry and no other', () => {
    const routes = Object.values(t.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(ROUTES.map((r) => r.routeKey).sort());
  });

  it.each(ROUTES.map((r) => [r.routeKey, r] as const))('%s is guarded as its spec says', (routeKey, spec) => {
    const [authorizerId] = Object.keys(t.findResources('AWS::ApiGatewayV2::Authorizer'));
    const route = routeResource(routeKey);
    if (spec.authorized) {
      expect(route.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    } else {
      expect(route.Properties.AuthorizationType).toBe('NONE');
      expect(route.Properties.AuthorizerId).toBeUndefined();
    }
  });

  it('leaves GET /health without an authorizer', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /health',
      AuthorizationType: 'NONE',
      AuthorizerId: Match.absent(),
    });
  });

  it.each(ROUTES.map((r) => [r.routeKey] as const))('%s invokes its own function', (routeKey) => {
    const { intrinsics } = flattenJoin(routeResource(routeKey).Properties.Target);
    const integration = t.resourceById((intrinsics[0] as { Ref: string }).Ref);
    expect(integration.Properties.IntegrationUri).toEqual(t.arnOf(t.byRoute(routeKey).function));
  });

  it('has one Lambda authorizer: simple responses, no identity source and no gateway cache (so 401/403 come from the routes, in the API error format)', () => {
    expect(Object.keys(t.findResources('AWS::ApiGatewayV2::Authorizer'))).toHaveLength(1);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      AuthorizerResultTtlInSeconds: 0,
    });
    const [only] = Object.values(t.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(only!.Properties.IdentitySource ?? []).toEqual([]);
    const [authorizer] = Object.values(t.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(JSON.stringify(authorizer!.Properties.AuthorizerUri)).toContain(
      t.logicalId(t.stack.functions.authorizer.function),
    );
  });

  it('logs access on the $default stage and throttles it', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: t.arnOf(t.stack.httpApi.accessLogs),
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });
});

describe('functions', () => {
  it('has one function per route, plus the authorizer, the sweep, the schedule tick, a worker per Lambda pool and the two events functions', () => {
    expect(Object.keys(t.findResources('AWS::Lambda::Function'))).toHaveLength(ROUTES.length + 3 + lambdaPools.length + 2);
  });

  it('keeps every function but the events pipeline’s in the Compute nested stack, off the root’s 500 resources', () => {
    const { consumer, delivery } = t.stack.events;
    for (const fn of t.allFunctions()) {
      const inRoot = fn === consumer || fn === delivery;
      expect(Stack.of(fn.function), fn.node.path).toBe(inRoot ? t.stack : t.stack.compute);
      // Its role, policy and log group go with it.
      for (const part of [fn.role, fn.logGroup]) expect(Stack.of(part), part.node.path).toBe(Stack.of(fn.function));
    }
    const rootFunctions = Object.values(t.rawTemplate(t.stack).Resources as Record<string, { Type: string }>).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(rootFunctions).toHaveLength(2);
  });

  it('runs every function on nodejs24.x, arm64, logging to its own group', () => {
    for (const fn of t.allFunctions()) {
      expect(t.resource(fn.function).Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogGroup: { Ref: t.logicalId(fn.logGroup) } },
      });
      expect(t.resource(fn.logGroup).Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it.each(ROUTES.map((r) => [r.functionName, r] as const))(
    '%s: 512 MB and its spec’s timeout (default 10 s)',
    (_name, spec) => {
      expect(t.resource(t.byRoute(spec.routeKey).function).Properties).toMatchObject({
        MemorySize: 512,
        Timeout: spec.timeoutSeconds ?? DEFAULT_ROUTE_TIMEOUT_SECONDS,
      });
    },
  );

  it('gives the authorizer 512 MB and 10 s', () => {
    expect(t.resource(t.stack.functions.authorizer.function).Properties).toMatchObject({ MemorySize: 512, Timeout: 10 });
  });

  it('sets TABLE_NAME, QUEUE_URL_PREFIX and source maps on every function, and nothing per queue', () => {
    for (const fn of t.allFunctions()) {
      const vars = t.resource(fn.function).Properties.Environment.Variables;
      expect(vars[ENV.tableName]).toEqual({ Ref: t.logicalId(t.stack.table.table) });
      expect(vars.NODE_OPTIONS).toBe('--enable-source-maps');
      const { text, intrinsics } = flattenJoin(vars[ENV.queueUrlPrefix]);
      expect(text).toBe(`https://sqs.@@0@@.@@1@@/@@2@@/${t.stack.stackName}-`);
      expect(intrinsics).toEqual([{ Ref: 'AWS::Region' }, { Ref: 'AWS::URLSuffix' }, { Ref: 'AWS::AccountId' }]);
      // The events functions also get their topic and delivery queues (one variable each, never per pool).
      const perFunction = Object.keys(vars).filter((name) => !/^(EVENTS_|WEBHOOK_|POWERTOOLS_)/.test(name));
      expect(perFunction.sort()).toEqual(
        [ENV.tableName, ENV.queueUrlPrefix, ENV.valuesBucket, 'NODE_OPTIONS', ...(vars[WORKER_POOL_ENV] ? [WORKER_POOL_ENV] : [])].sort(),
      );
    }
  });

  it('names every queue `<stack>-<spec name>`, so QUEUE_URL_PREFIX + the name is its URL', () => {
    for (const [, { spec, work, dlq }] of t.stack.queues.byKey) {
      if (work !== undefined) expect(t.resource(work.queue).Properties.QueueName).toBe(`${t.stack.stackName}-${spec.work!.name}`);
      expect(t.resource(dlq).Properties.QueueName).toBe(`${t.stack.stackName}-${spec.dlqName}`);
    }
  });
});

describe('pool workers', () => {
  const poolOf = (name: string) => TOPOLOGY.pools.find((p) => p.name === name)!;
  const mappings = () => Object.values(t.findResources('AWS::Lambda::EventSourceMapping'));
  const ownQueues = (pool: string) => t.stack.queues.forLambdaPool(pool);

  it('has one worker per Lambda pool and none for an agent pool; only the workers carry POOL_NAME', () => {
    expect([...t.stack.workers.keys()].sort()).toEqual(lambdaPools.map((p) => p.name).sort());
    for (const pool of agentPools) expect(t.stack.workers.has(pool.name), pool.name).toBe(false);
    const withPoolName = Object.values(t.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Environment?.Variables?.[WORKER_POOL_ENV] !== undefined,
    );
    expect(withPoolName).toHaveLength(lambdaPools.length);
  });

  it.each(lambdaPools.map((p) => [p.name, p] as const))(
    '%s: nodejs24.x, the pool’s timeout, 1024 MB, POOL_NAME, no reserved concurrency in the default (dev) stage',
    (name, pool) => {
      const props = t.resource(t.worker(name).function).Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs24.x',
        Timeout: pool.workerTimeoutSeconds,
        MemorySize: 1024,
        Environment: { Variables: { [WORKER_POOL_ENV]: name } },
      });
      // Reserved in prod only (deploy-settings.test.ts): a first dev deploy must fit a new account's quota.
      expect(props.ReservedConcurrentExecutions).toBeUndefined();
    },
  );

  it('has an event-source mapping per Lambda pool work queue, and none on an agent pool’s queue or a DLQ', () => {
    const { consumer, delivery } = t.stack.events;
    const eventsFunctions = new Set([t.logicalId(consumer.function), t.logicalId(delivery.function)]);
    const poolMappings = mappings().filter((m) => !eventsFunctions.has(m.Properties.FunctionName.Ref));
    expect(poolMappings).toHaveLength(lambdaQueueSpecs.length);
    const sources = arnKeys(poolMappings.map((m) => m.Properties.EventSourceArn));
    expect(sources).toEqual(arnKeys(lambdaQueueSpecs.map((spec) => t.arnOf(workQueueOf(spec.key)))));
  });

  it('leaves the DLQs without an event-source mapping (agents lease agent-pool tasks over HTTP)', () => {
    const sources = new Set(mappings().map((m) => arnKey(m.Properties.EventSourceArn)));
    for (const { spec, dlq } of t.stack.queues.byKey.values()) {
      expect(sources.has(arnKey(t.arnOf(dlq))), `${spec.key} DLQ`).toBe(false);
    }
  });

  it.each(lambdaQueueSpecs.map((spec) => [spec.key, spec] as const))(
    '%s feeds its pool’s worker: batch size, partial failures, the priority’s MaximumConcurrency',
    (key, spec) => {
      const pool = poolOf(spec.pool);
      const queue = workQueueOf(key);
      const [mapping, ...more] = mappings().filter((m) => isEqual(m.Properties.EventSourceArn, t.arnOf(queue)));
      expect(more).toEqual([]);
      expect(mapping!.Properties).toMatchObject({
        FunctionName: { Ref: t.logicalId(t.worker(spec.pool).function) },
        BatchSize: pool.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: pool.concurrency[spec.priority] },
      });
      expect(mapping!.Properties.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
      expect(mapping!.Properties.MaximumBatchingWindowInSeconds).toBe(
        pool.batchingWindowSeconds > 0 ? pool.batchingWindowSeconds : undefined,
      );
    },
  );

  it.each(lambdaPools.map((p) => [p.name] as const))(
    '%s: every queue’s visibility timeout is at least 6× the worker’s timeout',
    (name) => {
      const timeout = t.resource(t.worker(name).function).Properties.Timeout as number;
      expect(ownQueues(name)).toHaveLength(PRIORITIES.length);
      for (const { work } of ownQueues(name)) {
        expect(t.resource(work.queue).Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
      }
    },
  );

});

describe('sweep', () => {
  it('is triggered by a schedule every SWEEP_EVERY_MINUTES', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: Schedule.rate(Duration.minutes(SWEEP_EVERY_MINUTES)).expressionString,
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: t.arnOf(t.stack.sweep.function.function) })],
    });
  });
});

describe('schedule tick', () => {
  it('is invoked every SCHEDULE_TICK_EVERY_MINUTES with its scheduled time and its window', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: Schedule.rate(Duration.minutes(SCHEDULE_TICK_EVERY_MINUTES)).expressionString,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: t.arnOf(t.stack.scheduleTicker.function.function),
          InputTransformer: Match.objectLike({
            InputPathsMap: { time: '$.time' },
            InputTemplate: Match.stringLikeRegexp(`"windowSeconds":${SCHEDULE_TICK_WINDOW_SECONDS}`),
          }),
        }),
      ],
    });
  });

  it('outlives its window, reads and writes the table and sends to the work queues', () => {
    expect(t.resource(t.stack.scheduleTicker.function.function).Properties.Timeout).toBeGreaterThan(SCHEDULE_TICK_WINDOW_SECONDS);
    const grants = t.grants(t.stack.scheduleTicker.function);
    expect(grants.map((g) => g.action)).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem']));
    const sendsTo = grants.filter((g) => g.action === 'sqs:SendMessage').map((g) => g.resource);
    expect(sendsTo).toEqual(expect.arrayContaining(t.stack.queues.workQueues.map((queue) => t.arnOf(queue))));
  });
});

describe('outputs', () => {
  it('exports the API URL and the table name', () => {
    t.template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    t.template.hasOutput('TableName', { Value: { Ref: t.logicalId(t.stack.table.table) } });
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('synthesizes with no unacknowledged finding', () => {
    const { app } = buildApp({ skipBundling: true });
    // Under vitest (NODE_ENV=test) a failed validation throws with the whole report.
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((r: { violations?: unknown[] }) => r.violations ?? [])).toEqual([]);
  });

  it('fails synth on a finding, so the checks are really wired in', () => {
    const { app, stack } = buildApp({ skipBundling: true });
    new Queue(stack, 'BareQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it.each([
    ['Compute', (stack: TaskfleetStack) => stack.compute],
    ['Operations/Monitoring', (stack: TaskfleetStack) => stack.operations.monitoring],
  ] as const)('checks the %s nested stack too: a finding there fails synth', (_name, nestedOf) => {
    const { app, stack } = buildApp({ skipBundling: true });
    new Queue(nestedOf(stack), 'BareQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('gives every acknowledgement a reason', () => {
    const { app } = buildApp({ skipBundling: true, nag: false });
    const acknowledgements = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) expect(reason.length, id).toBeGreaterThan(40);
  });
});
