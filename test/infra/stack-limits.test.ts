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
 * The most pools a stack holds: the root keeps 16 resources per pool (4 work queues,
 * 4 DLQs, a TLS-only policy each) over about 142 of its own, so 22 pools make 494;
 * 23 make 510. The nested stacks hold more: Compute takes a parameter per queue ARN
 * (8 per pool, 180 at 22 pools) and 8 resources per Lambda pool; Monitoring 8 alarms
 * per pool and 2 per Lambda pool. README, "AWS limits", and docs/architecture.md ("The CDK
 * stack") state this figure: a new route adds 3 resources to the root (route, integration,
 * permission), so when this test fails, lower the figure here and there.
 */
const LARGEST_POOL_COUNT = 22;
/** A provisioned table adds a scalable target and a policy for reads and writes of the table and each index (20): one pool fewer. */
const LARGEST_POOL_COUNT_PROVISIONED = LARGEST_POOL_COUNT - 1;

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
  it.each([
    ['8 pools, half on Lambda', longNamedPools(8)],
    [`${LARGEST_POOL_COUNT} pools, half on Lambda`, longNamedPools(LARGEST_POOL_COUNT)],
    [`${LARGEST_POOL_COUNT} pools, all on Lambda`, longNamedPools(LARGEST_POOL_COUNT, () => 'lambda')],
    [`${LARGEST_POOL_COUNT_PROVISIONED} pools and a provisioned table`, longNamedPools(LARGEST_POOL_COUNT_PROVISIONED), { tableCapacity: 'provisioned' }],
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

  it(`does not fit ${LARGEST_POOL_COUNT + 1} pools: the root's queues pass 500 (so ${LARGEST_POOL_COUNT} is the figure to state)`, () => {
    // CDK refuses to synthesize a template over 500 resources.
    expect(() => synthesize(longNamedPools(LARGEST_POOL_COUNT + 1))).toThrow(/Number of resources in stack 'Taskfleet': \d+ is greater than allowed maximum of 500/);
    expect(() => synthesize(longNamedPools(LARGEST_POOL_COUNT_PROVISIONED + 1), { tableCapacity: 'provisioned' })).toThrow(/greater than allowed maximum of 500/);
  }, 120_000);
});
