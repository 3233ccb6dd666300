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

describe('loadConfig, one parse of the whole environment', () => {
  const base = { TABLE_NAME: 't', QUEUE_URL_PREFIX: PREFIX };

  it('names every missing or wrong variable at once', () => {
    expect(() => loadConfig({ TASKFLEET_RETRY_BASE_SECONDS: 'soon' }, topology.queues)).toThrow(
      /TABLE_NAME is not set.*QUEUE_URL_PREFIX is not set.*TASKFLEET_RETRY_BASE_SECONDS must be a number ≥ 0/,
    );
  });

  it('reads the policy overrides, the events settings and the endpoints into one value', () => {
    const config = loadConfig(
      {
        ...base,
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
        TASKFLEET_RETRY_BASE_SECONDS: '0',
        TASKFLEET_LEASE_GRACE_SECONDS: '1',
        EVENTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:1:events',
        TASKFLEET_WEBHOOK_ALLOW_LOOPBACK: 'true',
        TASKFLEET_WEBHOOK_FORBIDDEN_LOOPBACK_PORTS: '4566,8000,x',
        TASKFLEET_WEBHOOK_RETRY_CAP_SECONDS: '5000',
        AWS_LAMBDA_FUNCTION_NAME: 'Taskfleet-Worker',
      },
      topology.queues,
    );
    expect(config.policies).toEqual({ retry: { baseSeconds: 0 }, circuit: {}, leaseGraceSeconds: 1 });
    expect(config.aws).toMatchObject({ region: 'eu-west-1', sqsEndpoint: 'http://127.0.0.1:4566', dynamoDbEndpoint: 'http://127.0.0.1:8000', snsEndpoint: 'http://127.0.0.1:4566' });
    expect(config.events.topicArn).toBe('arn:aws:sns:eu-west-1:1:events');
    expect(config.events.deliveryQueueUrl).toBeUndefined();
    expect(config.events.addressPolicy).toEqual({ allowLoopback: true, allowPrivate: false, forbiddenLoopbackPorts: [4566, 8000] });
    // SQS's longest delay caps a delivery's backoff.
    expect(config.events.deliveryRetry.capSeconds).toBe(900);
    expect(config.functionName).toBe('Taskfleet-Worker');
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ ...base, VALUES_BUCKET: '', TASKFLEET_CIRCUIT_THRESHOLD: '' }, topology.queues);
    expect(config.valuesBucket).toBeUndefined();
    expect(config.policies.circuit).toEqual({});
    expect(config.functionName).toBe('local');
  });
});
