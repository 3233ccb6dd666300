import { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { METRIC, METRICS_NAMESPACE } from '../../shared/adapters/metrics/emf-event-metrics.js';
import { BACKLOG_METRICS_SERVICE } from '../../shared/adapters/metrics/emf-backlog-metrics.js';
import { EVENTS_ENV } from '../../shared/events-config.js';
import { ALARM_KINDS, ALARMED_FUNCTIONS, NOT_INVOKED_ALARM_MINUTES, operatorAlarmCount, STREAM_ITERATOR_AGE_ALARM_MS } from '../../shared/topology/alarms.js';
import { PRIORITIES } from '../../shared/domain/priority.js';
import { nameIn, readmeTable } from './readme-tables.js';
import { DEFAULT_SLA_SECONDS } from '../../shared/topology/sla.js';
import { STREAM_MAPPING } from '../../shared/topology/events.js';
import { buildTopology, hasWorkQueue, TOPOLOGY } from '../../shared/topology/topology.js';
import { StackTemplate } from './stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = new StackTemplate(buildApp({ skipBundling: true, nag: false }).stack);
}, 120_000);

const isEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const alarms = () => Object.values(t.findResources('AWS::CloudWatch::Alarm'));

describe('events pipeline', () => {
  it('has a KMS-encrypted events topic, exported as an output', () => {
    const topic = t.resource(t.stack.events.topic);
    expect(topic.Type).toBe('AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    t.template.hasOutput('EventsTopicArn', { Value: { Ref: t.logicalId(t.stack.events.topic) } });
  });

  it('feeds the stream consumer from the table stream: filtered, partial batch responses, bisect, a failure DLQ', () => {
    const [mapping] = Object.values(
      t.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: t.logicalId(t.stack.events.consumer.function) } } }),
    );
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [t.logicalId(t.stack.table.table), 'StreamArn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      StartingPosition: 'LATEST',
      DestinationConfig: { OnFailure: { Destination: t.arnOf(t.stack.events.streamFailures) } },
    });
    const patterns = (mapping!.Properties.FilterCriteria.Filters as { Pattern: string }[]).map((f) => JSON.parse(f.Pattern));
    expect(patterns.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(patterns)).toContain('CIRCUIT');
  });

  it('bounds the stream mapping as the local poller does: 10 retries, then the record is set aside', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: t.logicalId(t.stack.events.consumer.function) },
      MaximumRetryAttempts: STREAM_MAPPING.retryAttempts,
      MaximumRecordAgeInSeconds: STREAM_MAPPING.maxRecordAgeSeconds,
      BisectBatchOnFunctionError: STREAM_MAPPING.bisectBatchOnError,
    });
  });

  it('keeps values-bucket objects as long as their records: no expiry by age, the consumer deletes them', () => {
    const bucket = t.resource(t.stack.values.bucket);
    const rules = bucket.Properties.LifecycleConfiguration?.Rules as Record<string, unknown>[];
    for (const rule of rules ?? []) {
      expect(rule.ExpirationInDays).toBeUndefined();
      expect(rule.ExpirationDate).toBeUndefined();
      expect(rule.NoncurrentVersionExpiration).toBeUndefined();
    }
    expect(rules).toEqual([expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })]);
    expect(t.actionsOf(t.stack.events.consumer)).toContain('s3:DeleteObject');
  });

  it('lets the consumer publish to the topic and queue deliveries', () => {
    const actions = t.actionsOf(t.stack.events.consumer);
    expect(actions).toContain('sns:Publish');
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).toContain('dynamodb:PutItem');
  });

  it('has a webhook delivery function fed by its queue, which has a DLQ', () => {
    const fn = t.resource(t.stack.events.delivery.function);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      [EVENTS_ENV.deliveryQueueUrl]: { Ref: t.logicalId(t.stack.events.deliveryQueue) },
      [EVENTS_ENV.deliveryDlqUrl]: { Ref: t.logicalId(t.stack.events.deliveryDlq) },
    });
    expect(fn.Properties.Environment.Variables[EVENTS_ENV.allowLoopback]).toBeUndefined();
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: t.logicalId(t.stack.events.delivery.function) },
      EventSourceArn: t.arnOf(t.stack.events.deliveryQueue),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(t.resource(t.stack.events.deliveryQueue).Properties.RedrivePolicy.deadLetterTargetArn).toEqual(t.arnOf(t.stack.events.deliveryDlq));
    expect(t.actionsOf(t.stack.events.delivery)).toContain('sqs:SendMessage');
  });

  it('samples debug logs on every function (1 % of invocations) and keeps every function’s logs 30 days', () => {
    for (const fn of t.allFunctions()) {
      expect(t.resource(fn.function).Properties.Environment.Variables).toMatchObject({ POWERTOOLS_LOGGER_SAMPLE_RATE: '0.01', POWERTOOLS_SERVICE_NAME: 'taskfleet' });
      expect(t.resource(fn.logGroup).Properties.RetentionInDays).toBe(30);
    }
  });

  it('gives both functions their own log group with a retention', () => {
    for (const fn of [t.stack.events.consumer, t.stack.events.delivery]) {
      expect(t.resource(fn.logGroup).Properties.RetentionInDays).toBe(30);
    }
  });
});

describe('alarms', () => {
  const byName = (metric: string) => alarms().filter((a) => a.Properties.MetricName === metric);

  const agentPools = new Set(TOPOLOGY.pools.filter((p) => p.runsOn === 'agents').map((p) => p.name));

  it('alarms on each Lambda pool × priority queue’s oldest message above the priority’s SLA', () => {
    const ages = byName('ApproximateAgeOfOldestMessage');
    const lambdaQueues = TOPOLOGY.queues.filter(hasWorkQueue);
    expect(lambdaQueues.map((q) => q.pool)).toEqual(TOPOLOGY.queues.filter((q) => !agentPools.has(q.pool)).map((q) => q.pool));
    expect(ages).toHaveLength(lambdaQueues.length);
    for (const spec of lambdaQueues) {
      // Named by the queue's name as text, not a reference: no nested-stack parameter per queue.
      const queueName = t.resource(t.stack.queues.byKey.get(spec.key)!.work!.queue).Properties.QueueName as string;
      const alarm = ages.find((a) => isEqual(a.Properties.Dimensions, [{ Name: 'QueueName', Value: queueName }]));
      expect(alarm?.Properties, spec.key).toMatchObject({ Threshold: DEFAULT_SLA_SECONDS[spec.priority], ComparisonOperator: 'GreaterThanThreshold' });
    }
    expect(DEFAULT_SLA_SECONDS).toMatchObject({ critical: 30, high: 300, normal: 7200 });
  });

  it("takes a pool's own slaSeconds from the stack's topology", () => {
    const topology = buildTopology([
      { name: 'fast', capabilities: ['echo'], slaSeconds: { critical: 10, normal: 600 } },
      { name: 'crew', capabilities: ['shell'], runsOn: 'agents', slaSeconds: { high: 120 } },
    ]);
    const custom = new StackTemplate(buildApp({ skipBundling: true, nag: false, stackProps: { topology } }).stack);
    const thresholds = (metric: string, pool: (a: { Properties: Record<string, any> }) => boolean) =>
      Object.values(custom.findResources('AWS::CloudWatch::Alarm'))
        .filter((a) => a.Properties.MetricName === metric && pool(a))
        .map((a) => a.Properties.Threshold as number)
        .sort((x, y) => x - y);
    const onQueue = (a: { Properties: Record<string, any> }) => JSON.stringify(a.Properties.Dimensions).includes('fast-');
    const onPool = (a: { Properties: Record<string, any> }) => JSON.stringify(a.Properties.Dimensions).includes('"crew"');
    expect(thresholds('ApproximateAgeOfOldestMessage', onQueue)).toEqual([10, 300, 600, DEFAULT_SLA_SECONDS.low]);
    expect(thresholds(METRIC.oldestReady, onPool)).toEqual([DEFAULT_SLA_SECONDS.critical, 120, DEFAULT_SLA_SECONDS.normal, DEFAULT_SLA_SECONDS.low]);
  }, 120_000);

  it('alarms on each agent pool × priority’s oldest ready task (the sweep’s metric) above the same SLA', () => {
    expect(agentPools.size).toBeGreaterThan(0);
    const ages = byName(METRIC.oldestReady);
    const agentQueues = TOPOLOGY.queues.filter((q) => agentPools.has(q.pool));
    expect(ages).toHaveLength(agentQueues.length);
    for (const spec of agentQueues) {
      const alarm = ages.find((a) => {
        const dims = Object.fromEntries((a.Properties.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]));
        return dims.pool === spec.pool && dims.priority === spec.priority;
      });
      expect(alarm?.Properties, spec.key).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        Statistic: 'Maximum',
        Threshold: DEFAULT_SLA_SECONDS[spec.priority],
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: expect.arrayContaining([{ Name: 'service', Value: BACKLOG_METRICS_SERVICE }]),
      });
    }
  });

  it('has exactly the alarms the events cost bench prices', () => {
    expect(alarms()).toHaveLength(operatorAlarmCount(TOPOLOGY));
  });

  it('alarms on any message in any DLQ, function errors and throttles, and API 5xx', () => {
    const dlqs = byName('ApproximateNumberOfMessagesVisible');
    expect(dlqs).toHaveLength(TOPOLOGY.queues.length + 2);
    for (const a of dlqs) expect(a.Properties.Threshold).toBe(0);
    for (const { dlq } of t.stack.queues.byKey.values()) {
      const dimensions = [{ Name: 'QueueName', Value: t.resource(dlq).Properties.QueueName }];
      expect(dlqs.filter((a) => isEqual(a.Properties.Dimensions, dimensions)), dlq.node.path).toHaveLength(1);
    }
    expect(byName('Errors').length).toBeGreaterThanOrEqual(3);
    expect(byName('Throttles').length).toBeGreaterThanOrEqual(3);
    expect(byName('5xx')).toEqual([expect.objectContaining({ Properties: expect.objectContaining({ Namespace: 'AWS/ApiGateway', Threshold: 0 }) })]);
  });

  it('lives in the Monitoring nested stack with the dashboard, off the root’s 500 resources; the topic stays in the root', () => {
    const { monitoring } = t.stack.operations;
    const inMonitoring = Object.values(t.rawTemplate(monitoring).Resources as Record<string, { Type: string }>);
    expect(inMonitoring.filter((r) => r.Type === 'AWS::CloudWatch::Alarm')).toHaveLength(operatorAlarmCount(TOPOLOGY));
    expect(inMonitoring.filter((r) => r.Type === 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
    const inRoot = Object.values(t.rawTemplate(t.stack).Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(inRoot).not.toContain('AWS::CloudWatch::Alarm');
    expect(inRoot).not.toContain('AWS::CloudWatch::Dashboard');
    expect(Stack.of(t.stack.operations.alarmTopic)).toBe(t.stack);
  });

  it('publishes every alarm to the operator topic, an output', () => {
    const topic = { Ref: t.logicalId(t.stack.operations.alarmTopic) };
    for (const a of alarms()) {
      expect(a.Properties.AlarmActions).toEqual([topic]);
      expect(a.Properties.OKActions).toEqual([topic]);
    }
    t.template.hasOutput('AlarmTopicArn', { Value: topic });
  });
});

describe('dashboard', () => {
  it('is one dashboard with queue ages, dead letters, the stream’s task figures, errors and 5xx', () => {
    const dashboards = Object.values(t.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const text of [METRIC.circuitOpened, METRIC.circuitClosed, METRIC.oldestReady, 'ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesVisible', METRICS_NAMESPACE, METRIC.queueTime, METRIC.runTime, METRIC.deadLettered, 'Throttles', '5xx']) {
      expect(body, text).toContain(text);
    }
  });
});

describe('alarms on the background parts', () => {
  /** Each alarm construct's name (its id) with its synthesized properties. */
  const synthesized = () => t.stack.operations.alarms.map((alarm) => ({ name: alarm.node.id, properties: t.resource(alarm).Properties }));
  const named = (name: string) => synthesized().find((a) => a.name === name)?.properties;

  it('alarms when the sweep or the schedule tick fails, is throttled, or stops being invoked', () => {
    for (const [name, fn] of [['sweep', t.stack.sweep.function], ['schedule-tick', t.stack.scheduleTicker.function]] as const) {
      const dimensions = [{ Name: 'FunctionName', Value: { Ref: t.logicalId(fn.function) } }];
      expect(named(`Errors-${name}`), name).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Threshold: 0 });
      expect(named(`Throttles-${name}`), name).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles' });
      expect(named(`NotInvoked-${name}`), name).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Invocations',
        Period: NOT_INVOKED_ALARM_MINUTES * 60,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        // No data at all is the failure it exists for.
        TreatMissingData: 'breaching',
      });
      expect(t.resource(fn.function).Type).toBe('AWS::Lambda::Function');
      // The function named is the one in the Compute stack (a parameter, rewritten to its own name).
      expect(named(`Errors-${name}`)?.Dimensions).toEqual(dimensions);
    }
  });

  it('alarms when the stream consumer falls behind (IteratorAge) or sets records aside (its on-failure queue)', () => {
    expect(named('IteratorAge-stream-consumer')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: STREAM_ITERATOR_AGE_ALARM_MS,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: t.logicalId(t.stack.events.consumer.function) } }],
    });
    expect(named('Dlq-stream-failures')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [t.logicalId(t.stack.events.streamFailures), 'QueueName'] } }],
    });
  });

  it('the README’s alarm table is ALARM_KINDS, and every synthesized alarm is of exactly one kind', () => {
    const rows = readmeTable('### Alarms');
    expect(rows.map(([name, metric, covers]) => ({ name: nameIn(name!), metric, covers }))).toEqual(ALARM_KINDS.map((k) => ({ ...k })));
    const one = (values: readonly string[]) => `(${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
    const pattern = (name: string) =>
      new RegExp(
        `^${name
          .replace('<pool>', one(TOPOLOGY.pools.map((p) => p.name)))
          .replace('<priority>', one(PRIORITIES))
          .replace('<function>', one(ALARMED_FUNCTIONS))}$`,
      );
    const metricOf = (p: Record<string, any>) => `${p.Namespace} ${p.MetricName}`;
    const kindsSeen = new Set<number>();
    for (const { name, properties } of synthesized()) {
      const kinds = ALARM_KINDS.flatMap((k, i) => (pattern(k.name).test(name) && k.metric === metricOf(properties) ? [i] : []));
      expect(kinds, `${name} (${metricOf(properties)})`).toHaveLength(1);
      kindsSeen.add(kinds[0]!);
    }
    expect(ALARM_KINDS.filter((_, i) => !kindsSeen.has(i)).map((k) => k.name), 'kinds the template does not have').toEqual([]);
  });
});
