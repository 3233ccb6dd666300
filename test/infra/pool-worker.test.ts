import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { PoolQueues } from '../../infra/constructs/pool-queues.js';
import { PoolWorker, type PoolWorkerProps } from '../../infra/constructs/pool-worker.js';
import { buildTopology } from '../../shared/topology/topology.js';
import { WORKER_ACCESS, WORKER_ENTRY } from '../../shared/topology/routes.js';

// A small topology of its own, so the construct's use of each pool setting is
// checked with values the deployed pools do not happen to use.
const topology = buildTopology([
  { name: 'alpha', capabilities: ['a'], workerTimeoutSeconds: 120, batchSize: 50, batchingWindowSeconds: 5, concurrency: { critical: 20, low: 3 } },
  { name: 'beta', capabilities: ['b'] },
  { name: 'gamma', capabilities: ['c'], runsOn: 'agents' },
]);

function scaffold() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const queues = new PoolQueues(stack, 'Queues', { queues: topology.queues, namePrefix: 'Test-' });
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const props = (pool: string, overrides: Partial<PoolWorkerProps> = {}): PoolWorkerProps => ({
    pool: topology.pools.find((p) => p.name === pool)!,
    entry: WORKER_ENTRY,
    queues: overrides.queues ?? queues.forLambdaPool(pool),
    access: WORKER_ACCESS,
    resources: { table, workQueues: queues.workQueues, deadLetters: queues.deadLetterQueues, agentDeadLetters: [], values: new Bucket(stack, 'Values') },
    environment: { TABLE_NAME: 'x' },
    ...overrides,
  });
  return { stack, queues, props };
}

describe('PoolWorker', () => {
  it('takes timeout, batch size, batching window and per-priority concurrency from the pool', () => {
    const { stack, props } = scaffold();
    new PoolWorker(stack, 'Alpha', props('alpha', { memorySize: 2048 }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 120, MemorySize: 2048 });
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(4);
    for (const m of mappings) {
      expect(m.Properties).toMatchObject({ BatchSize: 50, MaximumBatchingWindowInSeconds: 5 });
    }
    expect(mappings.map((m) => m.Properties.ScalingConfig.MaximumConcurrency).sort((a, b) => a - b)).toEqual([2, 3, 4, 20]);
  });

  it('refuses a queue of another pool', () => {
    const { stack, queues, props } = scaffold();
    const mixed = [...queues.forLambdaPool('alpha').slice(0, 3), queues.forLambdaPool('beta')[3]!];
    expect(() => new PoolWorker(stack, 'Alpha', props('alpha', { queues: mixed }))).toThrow(/does not belong to pool "alpha"/);
  });

  it('refuses a pool that runs on agents', () => {
    const { stack, props } = scaffold();
    expect(() => new PoolWorker(stack, 'Gamma', props('gamma', { queues: [] }))).toThrow(/"gamma" runs on agents/);
  });

  it('gives an agent pool DLQs but no work queues, so no worker can be fed from one', () => {
    const { stack, queues } = scaffold();
    expect(queues.forPool('gamma').map((q) => q.work)).toEqual([undefined, undefined, undefined, undefined]);
    expect(() => queues.forLambdaPool('gamma')).toThrow(/"gamma" has no work queue .* runs on agents/);
    const names = Object.values(Template.fromStack(stack).findResources('AWS::SQS::Queue')).map((q) => q.Properties.QueueName as string);
    expect(names.filter((n) => n.startsWith('Test-gamma-')).sort()).toEqual(['critical', 'high', 'low', 'normal'].map((p) => `Test-gamma-${p}-dlq`));
    expect(names).toHaveLength(2 * 8 + 4);
  });

  it('refuses a pool with a priority missing', () => {
    const { stack, queues, props } = scaffold();
    expect(() => new PoolWorker(stack, 'Alpha', props('alpha', { queues: queues.forLambdaPool('alpha').slice(0, 3) }))).toThrow(
      /no queue for low/,
    );
  });
});
