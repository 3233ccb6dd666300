import type { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { deploySettings } from '../../infra/deploy-settings.js';
import { reservedConcurrency } from '../../infra/constructs/pool-worker.js';
import { STATEFUL_RESOURCE_TYPES } from '../../infra/taskfleet-stack.js';
import { TOPOLOGY } from '../../shared/topology/topology.js';
import { type CfnResourceJson, StackTemplate } from './stack-template.js';

const PAGER = 'arn:aws:sns:eu-west-1:123456789012:pager';
const PROD_CONTEXT = {
  stage: 'prod',
  alarmTopicArn: PAGER,
  alarmEmail: 'ops@example.com',
  throttleRate: '50',
  throttleBurst: '80',
  corsOrigins: 'https://dash.example.com,https://ops.example.com',
  domainName: 'api.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
};

// One synth per stage for the whole file (each is about a minute on a loaded machine).
let dev: StackTemplate;
let prod: StackTemplate;
beforeAll(() => {
  dev = new StackTemplate(buildApp({ skipBundling: true, nag: false }).stack);
  prod = new StackTemplate(buildApp({ skipBundling: true, nag: false, context: PROD_CONTEXT }).stack);
}, 300_000);

/** Every resource of the root and nested stacks, with the stack it is in. */
function everyResource(t: StackTemplate): { stack: Stack; id: string; resource: CfnResourceJson }[] {
  return t.stacks.flatMap((stack) =>
    Object.entries((t.rawTemplate(stack).Resources ?? {}) as Record<string, CfnResourceJson>).map(([id, resource]) => ({ stack, id, resource })),
  );
}

/**
 * Names that are scoped to something else than the account and region: an inline policy's (its
 * role's), an authorizer's and a stage's (their API's), a topic's display name (shown, not a key).
 */
const NOT_ACCOUNT_WIDE = new Set(['AWS::IAM::Policy.PolicyName', 'AWS::ApiGatewayV2::Authorizer.Name', 'AWS::ApiGatewayV2::Stage.StageName', 'AWS::SNS::Topic.DisplayName']);

/** Physical names a template fixes as plain text (`QueueName`, `TableName`, …): what two stages must not share. */
function fixedNames(t: StackTemplate): string[] {
  return everyResource(t).flatMap(({ resource }) =>
    Object.entries(resource.Properties ?? {})
      .filter(([key, value]) => /Name$/.test(key) && typeof value === 'string' && !['AttributeName', 'IndexName', 'MetricName'].includes(key))
      .filter(([key]) => !NOT_ACCOUNT_WIDE.has(`${resource.Type}.${key}`))
      .map(([key, value]) => `${resource.Type}.${key}=${String(value)}`),
  );
}

describe('stages', () => {
  it('names the stack Taskfleet-<stage> (dev by default) and outputs the stage', () => {
    expect(dev.stack.stackName).toBe('Taskfleet-dev');
    expect(prod.stack.stackName).toBe('Taskfleet-prod');
    prod.template.hasOutput('Stage', { Value: 'prod' });
  });

  it('lets two stages live side by side in one account: no fixed name in common', () => {
    const devNames = fixedNames(dev);
    const prodNames = new Set(fixedNames(prod));
    expect(devNames.length).toBeGreaterThan(0); // the queues, at least
    expect(devNames.filter((name) => prodNames.has(name))).toEqual([]);
  });

  it('refuses a bad setting, naming the key', () => {
    expect(() => deploySettings((key) => ({ stage: 'Prod!', throttleRate: '0' })[key])).toThrow(/context stage: .*context throttleRate/);
    expect(() => deploySettings((key) => ({ domainName: 'api.example.com' })[key])).toThrow(/domainName and certificateArn/);
    expect(() => deploySettings((key) => ({ webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y' })[key])).toThrow(/WAF does not attach to API Gateway HTTP APIs/);
  });
});

describe('retain', () => {
  it.each(STATEFUL_RESOURCE_TYPES)('%s: destroyed with a dev stage, retained with prod', (type) => {
    const of = (t: StackTemplate) => everyResource(t).filter(({ resource }) => resource.Type === type);
    expect(of(dev).length).toBeGreaterThan(0);
    for (const { id, resource } of of(dev)) expect(resource.DeletionPolicy, id).toBe('Delete');
    for (const { id, resource } of of(prod)) expect(resource.DeletionPolicy, id).toBe('Retain');
  });

  it('adds no auto-delete custom resource (3 root resources the pools need): docs/deploy.md says to empty the bucket', () => {
    expect(everyResource(dev).some(({ resource }) => resource.Type === 'Custom::S3AutoDeleteObjects')).toBe(false);
    dev.template.hasOutput('ValuesBucketName', { Value: { Ref: dev.logicalId(dev.stack.values.bucket) } });
  });
});

describe('alarms', () => {
  const alarmsOf = (t: StackTemplate) => everyResource(t).filter(({ resource }) => resource.Type === 'AWS::CloudWatch::Alarm');

  it('publish to the stack’s own topic by default', () => {
    const topic = { Ref: dev.logicalId(dev.stack.operations.alarmTopic) };
    for (const { id, resource } of alarmsOf(dev)) expect(resource.Properties.AlarmActions, id).toHaveLength(1);
    expect(dev.stack.operations.alarmActionTopic).toBe(dev.stack.operations.alarmTopic);
    dev.template.hasOutput('AlarmTopicArn', { Value: topic });
  });

  it('with alarmTopicArn and alarmEmail: every alarm acts on that topic, which the address is subscribed to', () => {
    const alarms = alarmsOf(prod);
    expect(alarms.length).toBeGreaterThan(40);
    for (const { id, resource } of alarms) {
      expect(resource.Properties.AlarmActions, id).toEqual([PAGER]);
      expect(resource.Properties.OKActions, id).toEqual([PAGER]);
    }
    prod.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: PAGER });
  });
});

describe('limits and access', () => {
  it('reserves each Lambda pool’s mapping concurrency for its worker in prod, as the topology says; a dev stage reserves none', () => {
    const lambdaPools = TOPOLOGY.pools.filter((pool) => pool.runsOn === 'lambda');
    expect(lambdaPools.length).toBeGreaterThan(0);
    for (const pool of lambdaPools) {
      expect(prod.resource(prod.worker(pool.name).function).Properties.ReservedConcurrentExecutions, pool.name).toBe(reservedConcurrency(pool));
      expect(dev.resource(dev.worker(pool.name).function).Properties.ReservedConcurrentExecutions, pool.name).toBeUndefined();
    }
  });

  it('throttles the API stage from the context', () => {
    dev.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 } });
    prod.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 } });
  });

  it('lets only this account’s CloudWatch alarms use the topic key (aws:SourceAccount)', () => {
    const key = dev.resource(dev.stack.events.key);
    const statements = key.Properties.KeyPolicy.Statement as { Principal?: { Service?: string }; Condition?: Record<string, Record<string, unknown>> }[];
    const cloudwatch = statements.filter((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch.length).toBeGreaterThan(0);
    for (const s of cloudwatch) expect(s.Condition?.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
  });
});

describe('API options', () => {
  it('has no CORS and no custom domain unless asked', () => {
    expect(dev.resource(dev.stack.httpApi.api).Properties.CorsConfiguration).toBeUndefined();
    expect(everyResource(dev).some(({ resource }) => resource.Type === 'AWS::ApiGatewayV2::DomainName')).toBe(false);
  });

  it('answers CORS for the given origins, and maps the custom domain with its certificate', () => {
    expect(prod.resource(prod.stack.httpApi.api).Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: ['https://dash.example.com', 'https://ops.example.com'],
      AllowHeaders: ['authorization', 'content-type'],
    });
    prod.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.example.com',
      DomainNameConfigurations: [{ CertificateArn: PROD_CONTEXT.certificateArn }],
    });
    prod.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { DomainName: { Ref: prod.logicalId(prod.stack.httpApi.domainName!) } });
    prod.template.hasOutput('ApiUrl', { Value: 'https://api.example.com/' });
  });
});
