import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestedStack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import type { Topology } from '../../shared/topology/topology.js';
import { longNamedPools } from './long-named-pools.js';

/**
 * CloudFormation's quotas per template, which the emulators never meet: a stack
 * over any of them fails to deploy, whatever synth said. Nested stacks have the
 * same quotas, each on its own template. (IAM's: at most 10 managed policies per
 * role by default; CDK keeps each policy's own size under IAM's with a 150-character
 * estimate per ARN.)
 */
const LIMITS = { resources: 500, parameters: 200, outputs: 200, templateBytes: 1024 * 1024, managedPoliciesPerRole: 10 } as const;

/**
 * How many pools a stack holds. The root binds first: about 115 resources of its own
 * (2 per route: its route and integration; each route's invoke permission is made beside
 * its function, in Compute), plus per Lambda pool 16 (4 work queues, 4 DLQs, a TLS-only
 * policy each) and per agent pool 8 (its 4 DLQs and their policies: agents lease from the
 * table, so an agent pool has no work queue). So a Lambda pool counts as two "pool units"
 * and an agent pool as one, and a stack holds `2 × Lambda pools + agent pools ≤ 48`: 24
 * pools all on Lambda make 499 (25 make 515), 48 all on agents 499 (49 make 507), 12 + 24
 * make 499. The nested stacks hold more: Compute takes a parameter per queue ARN (8 per
 * Lambda pool, 4 per agent pool: 199 parameters at 48 units, the same units, its limit too) and 8 resources
 * per Lambda pool; Monitoring 8 alarms per pool and 2 per Lambda pool. README, "AWS
 * limits", and docs/architecture.md ("The CDK stack") state these figures: a new route
 * adds 2 resources to the root (route, integration), so when this test fails, lower the
 * figures here and there.
 */
const POOL_UNITS = 48;
/** The worst case: every pool on Lambda. */
const LARGEST_LAMBDA_POOL_COUNT = POOL_UNITS / 2;
const LARGEST_AGENT_POOL_COUNT = POOL_UNITS;
/** A provisioned table adds a scalable target and a policy for reads and writes of the table and each index (20): three units fewer. */
const POOL_UNITS_PROVISIONED = POOL_UNITS - 3;
/** Lambda pools with a provisioned table: a Lambda pool is two units. */
const PROVISIONED_LAMBDA_POOL_COUNT = Math.floor(POOL_UNITS_PROVISIONED / 2);

/** `lambda` pools on Lambda, then `agents` on agents, all with the longest names. */
const fleet = (lambda: number, agents: number): Topology => longNamedPools(lambda + agents, (i) => (i < lambda ? 'lambda' : 'agents'));

interface TemplateFigures {
  readonly file: string;
  readonly resources: number;
  readonly parameters: number;
  readonly outputs: number;
  readonly bytes: number;
  readonly managedPoliciesPerRole: number;
}

/** Synthesizes the app for a topology and measures every template of the assembly. */
function synthesize(topology: Topology, context: Record<string, unknown> = {}): { root: TemplateFigures; nested: TemplateFigures[]; nestedStacks: number } {
  const { app, stack } = buildApp({ skipBundling: true, nag: false, context, stackProps: { topology } });
  const assembly = app.synth();
  const figures = readdirSync(assembly.directory)
    .filter((file) => file.endsWith('.template.json'))
    .map((file): TemplateFigures => {
      const text = readFileSync(join(assembly.directory, file), 'utf8');
      const template = JSON.parse(text) as { Resources?: Record<string, { Type: string; Properties?: any }>; Parameters?: object; Outputs?: object };
      const resources = Object.values(template.Resources ?? {});
      const perRole = new Map<string, number>();
      for (const r of resources.filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')) {
        for (const role of r.Properties.Roles as { Ref: string }[]) perRole.set(role.Ref, (perRole.get(role.Ref) ?? 0) + 1);
      }
      return {
        file,
        resources: resources.length,
        parameters: Object.keys(template.Parameters ?? {}).length,
        outputs: Object.keys(template.Outputs ?? {}).length,
        // CloudFormation counts the template as uploaded: CDK writes it indented, so this is an upper bound.
        bytes: Buffer.byteLength(text, 'utf8'),
        managedPoliciesPerRole: Math.max(0, ...perRole.values()),
      };
    });
  const rootFile = stack.templateFile;
  const root = figures.find((f) => f.file === rootFile);
  if (!root) throw new Error(`no ${rootFile} in ${assembly.directory}`);
  const nestedStacks = stack.node.findAll().filter((c) => NestedStack.isNestedStack(c)).length;
  return { root, nested: figures.filter((f) => f !== root), nestedStacks };
}

const describeFigures = (f: TemplateFigures) =>
  `${f.file}: ${f.resources} resources, ${f.parameters} parameters, ${f.outputs} outputs, ${Math.round(f.bytes / 1024)} KiB`;

describe('CloudFormation limits', () => {
  const half = POOL_UNITS / 4; // Lambda pools in an even mix at the limit: 12 Lambda + 24 agent pools
  it.each([
    ['8 pools, half on Lambda', longNamedPools(8)],
    [`${LARGEST_LAMBDA_POOL_COUNT} pools, all on Lambda (the worst case)`, fleet(LARGEST_LAMBDA_POOL_COUNT, 0)],
    [`${LARGEST_AGENT_POOL_COUNT} pools, all on agents`, fleet(0, LARGEST_AGENT_POOL_COUNT)],
    [`${half} Lambda pools and ${POOL_UNITS - 2 * half} agent pools`, fleet(half, POOL_UNITS - 2 * half)],
    [`${PROVISIONED_LAMBDA_POOL_COUNT} Lambda pools and a provisioned table`, fleet(PROVISIONED_LAMBDA_POOL_COUNT, 0), { tableCapacity: 'provisioned' }],
    [`${POOL_UNITS_PROVISIONED} agent pools and a provisioned table`, fleet(0, POOL_UNITS_PROVISIONED), { tableCapacity: 'provisioned' }],
  ] as const)('%s: every template of the assembly, root and nested, is within them', (_label, topology, context: Record<string, unknown> = {}) => {
    const { root, nested, nestedStacks } = synthesize(topology, context);
    console.log([root, ...nested].map(describeFigures).join('\n'));
    expect(nested).toHaveLength(nestedStacks);
    expect(nestedStacks).toBe(2); // Compute, Operations/Monitoring
    expect(root.outputs).toBeLessThanOrEqual(LIMITS.outputs);
    expect(root.parameters).toBeLessThanOrEqual(LIMITS.parameters);
    for (const f of [root, ...nested]) {
      expect(f.resources, f.file).toBeLessThanOrEqual(LIMITS.resources);
      expect(f.parameters, f.file).toBeLessThanOrEqual(LIMITS.parameters);
      expect(f.outputs, f.file).toBeLessThanOrEqual(LIMITS.outputs);
      expect(f.bytes, f.file).toBeLessThanOrEqual(LIMITS.templateBytes);
      expect(f.managedPoliciesPerRole, f.file).toBeLessThanOrEqual(LIMITS.managedPoliciesPerRole);
    }
  }, 120_000);

  it(`does not fit one pool unit more: ${LARGEST_LAMBDA_POOL_COUNT + 1} Lambda pools, ${LARGEST_AGENT_POOL_COUNT + 1} agent pools, or either past ${POOL_UNITS_PROVISIONED} units with a provisioned table`, () => {
    // CDK refuses to synthesize a template over 500 resources; the root is the one that passes it.
    const tooMany = /Number of resources in stack 'Taskfleet-dev': \d+ is greater than allowed maximum of 500/;
    expect(() => synthesize(fleet(LARGEST_LAMBDA_POOL_COUNT + 1, 0))).toThrow(tooMany);
    expect(() => synthesize(fleet(0, LARGEST_AGENT_POOL_COUNT + 1))).toThrow(tooMany);
    expect(() => synthesize(fleet(POOL_UNITS / 4 + 1, POOL_UNITS - 2 * (POOL_UNITS / 4) - 1))).toThrow(tooMany); // 2 × 13 + 23 = 49 units
    expect(() => synthesize(fleet(PROVISIONED_LAMBDA_POOL_COUNT + 1, 0), { tableCapacity: 'provisioned' })).toThrow(tooMany);
    expect(() => synthesize(fleet(0, POOL_UNITS_PROVISIONED + 1), { tableCapacity: 'provisioned' })).toThrow(tooMany);
  }, 300_000);
});
