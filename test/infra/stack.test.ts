import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import type { TaskfleetFunction } from '../../infra/constructs/taskfleet-function.js';
import type { TaskfleetStack } from '../../infra/taskfleet-stack.js';
import { ENV } from '../../shared/config-keys.js';
import { RECONCILE_EVERY_MINUTES, ROUTES } from '../../shared/topology/routes.js';
import { TABLE } from '../../shared/topology/table.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';

// One synth (bundling skipped, cdk-nag off) for the template assertions; the
// cdk-nag suite synthesizes its own apps so a finding fails only those tests.
let stack: TaskfleetStack;
let template: Template;

beforeAll(() => {
  ({ stack } = buildApp({ skipBundling: true, nag: false }));
  template = Template.fromStack(stack);
});

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

function logicalId(construct: IConstruct): string {
  const child = construct.node.defaultChild ?? construct;
  return Stack.of(construct).getLogicalId(child as any);
}

function resource(construct: IConstruct): Resource {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const found = resources[logicalId(construct)];
  if (!found) throw new Error(`no resource for ${construct.node.path}`);
  return found;
}

/** Every `[action, resource]` pair the function's role is allowed. */
function allowed(fn: TaskfleetFunction): Array<{ action: string; resource: unknown }> {
  const roleId = logicalId(fn.role);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  });
  const managed = resource(fn.role).Properties.ManagedPolicyArns ?? [];
  expect(managed, `${fn.node.path} role has managed policies`).toEqual([]);
  return Object.values(policies).flatMap((policy: any) =>
    policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow').flatMap((s: any) =>
      [s.Action].flat().flatMap((action: string) =>
        [s.Resource].flat().map((res: unknown) => ({ action, resource: res })),
      ),
    ),
  );
}

function actionsOf(fn: TaskfleetFunction): Set<string> {
  return new Set(allowed(fn).map((a) => a.action));
}

/** `{Fn::Join: ['', [...]]}` → its text, each intrinsic replaced by `@@<n>@@`, plus the intrinsics. */
function flattenJoin(value: any): { text: string; intrinsics: unknown[] } {
  if (typeof value === 'string') return { text: value, intrinsics: [] };
  const [sep, parts] = value['Fn::Join'] as [string, unknown[]];
  const intrinsics: unknown[] = [];
  const text = parts
    .map((p) => (typeof p === 'string' ? p : `@@${intrinsics.push(p) - 1}@@`))
    .join(sep);
  return { text, intrinsics };
}

/** A QUEUE_URLS-style env value → key → the intrinsic (`{Ref: ...}`) it holds. */
function parseUrlMap(value: any): Record<string, unknown> {
  const { text, intrinsics } = flattenJoin(value);
  const json = JSON.parse(text) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(json).map(([k, v]) => [k, intrinsics[Number(/^@@(\d+)@@$/.exec(v)?.[1])]]),
  );
}

function byRoute(routeKey: string): TaskfleetFunction {
  const fn = stack.functions.byRouteKey.get(routeKey);
  if (!fn) throw new Error(`no function for ${routeKey}`);
  return fn;
}

function allFunctions(): TaskfleetFunction[] {
  return [...stack.functions.byRouteKey.values(), stack.functions.authorizer, stack.reconciler.function];
}

describe('queues', () => {
  it('has a work queue and a DLQ per pool × priority, at least 8', () => {
    const count = Object.keys(template.findResources('AWS::SQS::Queue')).length;
    expect(count).toBe(2 * TOPOLOGY.queues.length);
    expect(count).toBeGreaterThanOrEqual(8);
  });

  it.each(TOPOLOGY.queues.map((spec) => [spec.key, spec] as const))(
    '%s redrives to its own DLQ after the spec’s maxReceiveCount',
    (key, spec) => {
      const pair = stack.queues.byKey.get(key)!;
      expect(resource(pair.queue).Properties).toMatchObject({
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        RedrivePolicy: {
          maxReceiveCount: spec.maxReceiveCount,
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(pair.dlq), 'Arn'] },
        },
      });
      expect(resource(pair.dlq).Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
      expect(resource(pair.dlq).Properties.RedrivePolicy).toBeUndefined();
    },
  );

  it('encrypts every queue with SQS-managed keys', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    for (const queue of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('denies non-TLS access on every queue', () => {
    const denyInsecure = Object.values(
      template.findResources('AWS::SQS::QueuePolicy', {
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
      }),
    );
    const protectedQueues = new Set(denyInsecure.flatMap((p) => p.Properties.Queues.map((q: any) => q.Ref)));
    for (const { queue, dlq } of stack.queues.byKey.values()) {
      expect(protectedQueues).toContain(logicalId(queue));
      expect(protectedQueues).toContain(logicalId(dlq));
    }
  });
});

describe('task table', () => {
  it('is on-demand with PITR, TTL and a NEW_AND_OLD_IMAGES stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
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

  it('is retained when the stack goes away', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('has the four GSIs from TABLE, keyed by strings, projecting what lists and the outbox read', () => {
    const table = resource(stack.table.table).Properties;
    const indexes = table.GlobalSecondaryIndexes as any[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(
      Object.values(TABLE.indexes).map((i) => i.name).sort(),
    );
    for (const spec of Object.values(TABLE.indexes)) {
      const index = indexes.find((i) => i.IndexName === spec.name);
      expect(index.KeySchema).toEqual([
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ]);
      const expected = spec.name === TABLE.indexes.outbox.name ? TABLE.outboxAttributes : TABLE.listAttributes;
      expect(index.Projection.ProjectionType).toBe('INCLUDE');
      expect([...index.Projection.NonKeyAttributes].sort()).toEqual([...expected].sort());
    }
    for (const attribute of table.AttributeDefinitions) expect(attribute.AttributeType).toBe('S');
  });
});

describe('HTTP API', () => {
  it('has a route for every ROUTES entry and no other', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(ROUTES.map((r) => r.routeKey).sort());
  });

  it.each(ROUTES.map((r) => [r.routeKey, r] as const))('%s is guarded as its spec says', (routeKey, spec) => {
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    const route = Object.values(
      template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }),
    )[0]!;
    if (spec.authorized) {
      expect(route.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    } else {
      expect(route.Properties.AuthorizationType).toBe('NONE');
      expect(route.Properties.AuthorizerId).toBeUndefined();
    }
  });

  it('routes /health without an authorizer', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /health',
      AuthorizationType: 'NONE',
      AuthorizerId: Match.absent(),
    });
  });

  it('sends each route to its own function', () => {
    for (const spec of ROUTES) {
      const route = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: spec.routeKey } }),
      )[0]!;
      const { intrinsics } = flattenJoin(route.Properties.Target);
      const integrationId = (intrinsics[0] as { Ref: string }).Ref;
      const integration = template.toJSON().Resources[integrationId];
      expect(integration.Properties.IntegrationUri).toEqual({
        'Fn::GetAtt': [logicalId(byRoute(spec.routeKey).function), 'Arn'],
      });
    }
  });

  it('has one Lambda authorizer with simple responses on the Authorization header, cached 300 s', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    const authorizer = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0]!;
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(logicalId(stack.functions.authorizer.function));
  });

  it('logs access on the $default stage and throttles it', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(stack.httpApi.accessLogs), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });
});

describe('functions', () => {
  it('has one function per route, the authorizer and the reconciler', () => {
    template.resourceCountIs('AWS::Lambda::Function', ROUTES.length + 2);
  });

  it('runs every function on nodejs24.x, arm64, logging to its own group', () => {
    for (const fn of allFunctions()) {
      expect(resource(fn.function).Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
      });
      expect(resource(fn.logGroup).Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('gives API functions 512 MB and 10 s', () => {
    for (const fn of [...stack.functions.byRouteKey.values(), stack.functions.authorizer]) {
      expect(resource(fn.function).Properties).toMatchObject({ MemorySize: 512, Timeout: 10 });
    }
  });

  it('sets TABLE_NAME, QUEUE_URLS, DLQ_URLS and source maps on every function', () => {
    for (const fn of allFunctions()) {
      const vars = resource(fn.function).Properties.Environment.Variables;
      expect(vars[ENV.tableName]).toEqual({ Ref: logicalId(stack.table.table) });
      expect(vars.NODE_OPTIONS).toBe('--enable-source-maps');
      const queueUrls = parseUrlMap(vars[ENV.queueUrls]);
      const dlqUrls = parseUrlMap(vars[ENV.dlqUrls]);
      expect(Object.keys(queueUrls).sort()).toEqual(TOPOLOGY.queues.map((q) => q.key).sort());
      for (const [key, { queue, dlq }] of stack.queues.byKey) {
        expect(queueUrls[key]).toEqual({ Ref: logicalId(queue) });
        expect(dlqUrls[key]).toEqual({ Ref: logicalId(dlq) });
      }
    }
  });
});

describe('least privilege', () => {
  const workQueueArns = () =>
    [...stack.queues.byKey.values()].map(({ queue }) => ({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] }));
  const dlqArns = () =>
    [...stack.queues.byKey.values()].map(({ dlq }) => ({ 'Fn::GetAtt': [logicalId(dlq), 'Arn'] }));

  it('GetTask may not write the table or send to a queue', () => {
    const actions = actionsOf(byRoute('GET /tasks/{id}'));
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('sqs:SendMessage');
  });

  it('SubmitTask may send to every work queue and to no DLQ', () => {
    const sends = allowed(byRoute('POST /tasks')).filter((a) => a.action === 'sqs:SendMessage');
    expect(sends.map((s) => s.resource)).toEqual(expect.arrayContaining(workQueueArns()));
    for (const arn of dlqArns()) expect(sends.map((s) => s.resource)).not.toContainEqual(arn);
  });

  it.each(ROUTES.map((r) => [r.functionName, r] as const))('%s gets exactly its access', (_name, spec) => {
    const actions = actionsOf(byRoute(spec.routeKey));
    const dynamo = [...actions].filter((a) => a.startsWith('dynamodb:'));
    const sqs = [...actions].filter((a) => a.startsWith('sqs:'));
    if (spec.access.table === 'none') expect(dynamo).toEqual([]);
    if (spec.access.table === 'read') {
      expect(actions).toContain('dynamodb:Query');
      expect(dynamo.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
    }
    if (spec.access.table === 'readwrite') {
      expect(actions).toContain('dynamodb:UpdateItem');
      expect(actions).toContain('dynamodb:PutItem');
    }
    if (spec.access.sendToQueues) expect(actions).toContain('sqs:SendMessage');
    else expect(sqs).toEqual([]);
    expect(actions).toContain('logs:PutLogEvents');
  });

  it('the authorizer only reads the table', () => {
    const actions = [...actionsOf(stack.functions.authorizer)];
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions.filter((a) => /^sqs:|^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
  });

  it('the reconciler reads and writes the table and sends to the work queues', () => {
    const granted = allowed(stack.reconciler.function);
    expect(granted.map((a) => a.action)).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem']));
    const sends = granted.filter((a) => a.action === 'sqs:SendMessage').map((a) => a.resource);
    expect(sends).toEqual(expect.arrayContaining(workQueueArns()));
  });

  it('writes logs only to the function’s own log group', () => {
    for (const fn of allFunctions()) {
      const logs = allowed(fn).filter((a) => a.action.startsWith('logs:'));
      expect(logs.length).toBeGreaterThan(0);
      for (const grant of logs) expect(grant.resource).toEqual({ 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] });
    }
  });
});

describe('outbox reconciler', () => {
  it('runs on a schedule every RECONCILE_EVERY_MINUTES', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: Schedule.rate(Duration.minutes(RECONCILE_EVERY_MINUTES)).expressionString,
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.reconciler.function.function), 'Arn'] } })],
    });
  });
});

describe('outputs', () => {
  it('exports the API URL and the table name', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    template.hasOutput('TableName', { Value: { Ref: logicalId(stack.table.table) } });
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('synthesizes with no unacknowledged finding', () => {
    const { app } = buildApp({ skipBundling: true });
    // In-memory apps (NODE_ENV=test) throw ValidationFailed with the full report.
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    const violations = report.pluginReports.flatMap((r: any) => r.violations ?? []);
    expect(violations).toEqual([]);
  });

  it('gives every acknowledgement a reason', () => {
    const { app } = buildApp({ skipBundling: true });
    const acks = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) expect(reason.length, id).toBeGreaterThan(30);
  });

  it('fails synth on a finding (the checks are wired in)', () => {
    const { app, stack: naggedStack } = buildApp({ skipBundling: true });
    new Queue(naggedStack, 'BareQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});

describe('bundling (real esbuild, as `cdk synth` does)', () => {
  it('bundles every entry as an ESM module with a require shim and a source map', () => {
    const { app, stack: bundled } = buildApp({ nag: false });
    const assembly = app.synth();
    const functions = [...bundled.functions.byRouteKey.values(), bundled.functions.authorizer, bundled.reconciler.function];
    const resources = assembly.getStackArtifact(bundled.artifactId).template.Resources;
    for (const fn of functions) {
      const props = resources[bundled.getLogicalId(fn.function.node.defaultChild as any)].Properties;
      expect(props.Handler).toBe('index.handler');
      const dir = join(assembly.directory, `asset.${String(props.Code.S3Key).replace(/\.zip$/, '')}`);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire } from 'module';"), fn.node.path).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
      expect(code).toContain('sourceMappingURL=index.mjs.map');
    }
  });
});

describe('buildApp', () => {
  it('places the stack in CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION when set', () => {
    const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
    process.env.CDK_DEFAULT_REGION = 'eu-west-1';
    try {
      const { stack: placed } = buildApp({ skipBundling: true, nag: false });
      expect(placed.account).toBe('123456789012');
      expect(placed.region).toBe('eu-west-1');
    } finally {
      for (const [key, value] of [['CDK_DEFAULT_ACCOUNT', saved.account], ['CDK_DEFAULT_REGION', saved.region]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
