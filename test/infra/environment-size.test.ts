import { RegionInfo } from 'aws-cdk-lib/region-info';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { buildTopology } from '../../shared/topology/topology.js';
import { longNamedPools } from './long-named-pools.js';
import { StackTemplate } from './stack-template.js';

/**
 * Lambda refuses a function whose environment variables exceed 4 KB in total,
 * measured as their escaped JSON. The emulators never check it, so this test
 * does: every function of an 8-pool stack, in the longest region name and URL
 * suffix CDK knows, with a table name as long as DynamoDB allows, stays under
 * 3.5 KB — headroom for the next few variables.
 */
const BUDGET_BYTES = 3.5 * 1024;

const longest = (values: readonly string[]): string => values.reduce((a, b) => (b.length > a.length ? b : a));
const REGION = longest(RegionInfo.regions.map((r) => r.name));
const URL_SUFFIX = longest(RegionInfo.regions.map((r) => r.domainSuffix ?? 'amazonaws.com'));
const ACCOUNT = '123456789012';
/** A CloudFormation-generated table name can be up to DynamoDB's 255 characters. */
const LONGEST_TABLE_NAME = 'T'.repeat(255);

/**
 * Eight pools with the longest names a pool may have (31 characters), half on
 * Lambda, half on agents. (Before the functions and the alarms moved to nested
 * stacks this had to be six: 8 pools made 546 resources in one template, past
 * CloudFormation's 500 — see stack-limits.test.ts.)
 */
const POOL_COUNT = 8;
const EIGHT_POOLS = longNamedPools(POOL_COUNT);

/** Resolves what CloudFormation would put in a variable, taking the longest value each reference can have. */
function resolve(value: unknown, t: StackTemplate): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, t)).join(separator);
  }
  if ('Ref' in v) {
    if (v.Ref === 'AWS::Region') return REGION;
    if (v.Ref === 'AWS::URLSuffix') return URL_SUFFIX;
    if (v.Ref === 'AWS::AccountId') return ACCOUNT;
    if (v.Ref === t.logicalId(t.stack.table.table)) return LONGEST_TABLE_NAME;
    // Any other resource's name, ARN or URL (the values bucket, the events topic and queues): a generous worst case.
    return 'r'.repeat(256);
  }
  if ('Fn::GetAtt' in v) return 'a'.repeat(256);
  throw new Error(`no worst case known for ${JSON.stringify(value)}: add one here`);
}

describe('Lambda environment size', () => {
  let t: StackTemplate;
  beforeAll(() => {
    t = new StackTemplate(buildApp({ skipBundling: true, nag: false, stackProps: { topology: EIGHT_POOLS } }).stack);
  }, 120_000);

  it(`has ${POOL_COUNT} pools, their DLQs, a Lambda pool's work queues and a worker per Lambda pool`, () => {
    expect(t.stack.queues.byKey.size).toBe(POOL_COUNT * 4);
    // A DLQ per pool × priority, a work queue per Lambda pool × priority (half the pools), 3 of the events pipeline.
    expect(Object.keys(t.findResources('AWS::SQS::Queue')).length).toBe(POOL_COUNT * 4 + (POOL_COUNT / 2) * 4 + 3);
    expect(t.stack.workers.size).toBe(POOL_COUNT / 2);
  });

  it(`keeps every function's variables under ${BUDGET_BYTES} bytes in ${REGION} (${URL_SUFFIX})`, () => {
    const sizes = t.allFunctions().map((fn) => {
      const variables = t.resource(fn.function).Properties.Environment?.Variables ?? {};
      const resolved = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolve(v, t)]));
      return { fn: fn.node.path, bytes: Buffer.byteLength(JSON.stringify(resolved), 'utf8') };
    });
    const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    console.log(`largest environment: ${largest.bytes} bytes (${largest.fn}) of ${sizes.length} functions`);
    for (const { fn, bytes } of sizes) expect(bytes, fn).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('does not grow with the number of pools', () => {
    const variables = (stack: StackTemplate) =>
      stack.allFunctions().map((fn) => JSON.stringify(stack.resource(fn.function).Properties.Environment?.Variables ?? {}).length);
    const small = new StackTemplate(
      buildApp({ skipBundling: true, nag: false, stackProps: { topology: buildTopology([{ name: 'one', capabilities: [] }]) } }).stack,
    );
    expect(Math.max(...variables(t))).toBeLessThanOrEqual(Math.max(...variables(small)) + 64);
  });
});
