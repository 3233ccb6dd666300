import { describe, expect, it } from 'vitest';
import { queueUrlForArn } from '../../shared/adapters/sqs/message-visibility.js';
import { loadConfig } from '../../shared/config.js';
import { buildTopology, queueUrlPrefixOf } from '../../shared/topology/topology.js';

const topology = buildTopology([
  { name: 'general', capabilities: [] },
  { name: 'gpu', capabilities: ['gpu'], runsOn: 'agents' },
]);
const PREFIX = 'https://sqs.eu-central-1.amazonaws.com/123456789012/Taskfleet-';

describe('loadConfig', () => {
  it('derives every work queue and DLQ URL from QUEUE_URL_PREFIX by the topology’s names', () => {
    const config = loadConfig({ TABLE_NAME: 't', QUEUE_URL_PREFIX: PREFIX }, topology.queues);
    expect(Object.keys(config.queueUrls).sort()).toEqual(['general:critical', 'general:high', 'general:low', 'general:normal']);
    expect(config.queueUrls['general:critical']).toBe(`${PREFIX}general-critical`);
    expect(Object.keys(config.dlqUrls)).toHaveLength(8);
    expect(config.dlqUrls['general:low']).toBe(`${PREFIX}general-low-dlq`);
    expect(config.dlqUrls['gpu:critical']).toBe(`${PREFIX}gpu-critical-dlq`);
  });

  it('gives an agent pool no work queue URL (agents lease from the table), only DLQs', () => {
    const config = loadConfig({ TABLE_NAME: 't', QUEUE_URL_PREFIX: PREFIX }, topology.queues);
    expect(Object.keys(config.queueUrls).filter((key) => key.startsWith('gpu:'))).toEqual([]);
    expect(topology.queues.filter((q) => q.pool === 'gpu').map((q) => q.work)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('fails naming the missing variable', () => {
    expect(() => loadConfig({ TABLE_NAME: 't' }, topology.queues)).toThrow(/QUEUE_URL_PREFIX is not set/);
    expect(() => loadConfig({ QUEUE_URL_PREFIX: PREFIX }, topology.queues)).toThrow(/TABLE_NAME is not set/);
  });
});

describe('queue URLs without GetQueueUrl', () => {
  it('turns an event’s queue ARN into its URL', () => {
    expect(queueUrlForArn('arn:aws:sqs:eu-central-1:123456789012:Taskfleet-general-high', PREFIX)).toBe(
      'https://sqs.eu-central-1.amazonaws.com/123456789012/Taskfleet-general-high',
    );
  });

  it('finds the prefix of a provisioned queue, and refuses a URL that does not end with its name', () => {
    const spec = topology.queues[0]!;
    expect(queueUrlPrefixOf(`http://localhost:4566/000000000000/tf-1-${spec.dlqName}`, spec.dlqName)).toBe('http://localhost:4566/000000000000/tf-1-');
    expect(() => queueUrlPrefixOf('http://localhost:4566/000000000000/other', spec.dlqName)).toThrow(/does not end with/);
  });
});
