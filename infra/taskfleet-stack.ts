import { CfnOutput, RemovalPolicies, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENV } from '../shared/config-keys.js';
import { EVENTS_ENV } from '../shared/events-config.js';
import { ROUTES } from '../shared/topology/routes.js';
import { TOPOLOGY, type Topology } from '../shared/topology/topology.js';
import type { ApiFunctions } from './constructs/api-functions.js';
import type { Sweep } from './constructs/sweep.js';
import { PoolQueues } from './constructs/pool-queues.js';
import type { PoolWorker } from './constructs/pool-worker.js';
import type { ScheduleTicker } from './constructs/schedule-ticker.js';
import { DEFAULT_PROVISIONED, TaskTable, type TableCapacity } from './constructs/task-table.js';
import { ValuesBucket } from './constructs/values-bucket.js';
import { TaskfleetHttpApi } from './constructs/taskfleet-http-api.js';
import { EventsPipeline } from './constructs/events-pipeline.js';
import { Operations } from './constructs/operations.js';
import { ComputeStack } from './compute-stack.js';
import { deploySettings, type DeploySettings } from './deploy-settings.js';

export interface TaskfleetStackProps extends StackProps {
  /** The stage and its settings (`-c stage=… -c retain=…`, infra/deploy-settings.ts). @default the defaults: stage dev, not retained */
  readonly settings?: DeploySettings;
  /**
   * How the task table pays for requests. @default on-demand, or `-c tableCapacity=provisioned`
   * for DEFAULT_PROVISIONED (5–4,000 units, 70 % target)
   */
  readonly tableCapacity?: TableCapacity;
  /** The pools and their queues. @default TOPOLOGY (shared/topology/pools.ts) — what the functions' bundles also read */
  readonly topology?: Topology;
}

/**
 * taskfleet on AWS: the pool × priority DLQs and (Lambda pools') work queues, the task table, the values
 * bucket, the HTTP API, the events pipeline and the operator topic — everything
 * with a name, URL or ARN that users or the data depend on — plus two nested
 * stacks, each with its own 500-resource budget (CloudFormation's per-template
 * limit): `Compute` (the API's Lambdas and authorizer, a worker per
 * `runsOn: 'lambda'` pool, the sweep, the schedule tick) and
 * `Operations/Monitoring` (alarms and the dashboard). Queues, table, routes,
 * workers and grants all come from shared/topology; docs/architecture.md
 * ("The CDK stack") has the counts.
 */
export class TaskfleetStack extends Stack {
  public readonly queues: PoolQueues;
  public readonly table: TaskTable;
  public readonly values: ValuesBucket;
  /** The nested stack holding the functions, sweep, schedule tick and workers. */
  public readonly compute: ComputeStack;
  public readonly functions: ApiFunctions;
  public readonly httpApi: TaskfleetHttpApi;
  public readonly sweep: Sweep;
  public readonly scheduleTicker: ScheduleTicker;
  /** By pool name: the `runsOn: 'lambda'` pools only. */
  public readonly workers: ReadonlyMap<string, PoolWorker>;
  /** Table stream → events topic and webhook deliveries. */
  public readonly events: EventsPipeline;
  /** The operator topic (here) and the alarms and dashboard (in its nested stack). */
  public readonly operations: Operations;

  constructor(scope: Construct, id: string, props: TaskfleetStackProps = {}) {
    super(scope, id, {
      description: 'taskfleet: task distribution over SQS, DynamoDB and Lambda',
      ...props,
    });
    const topology = props.topology ?? TOPOLOGY;
    const settings = props.settings ?? deploySettings(() => undefined);
    const removalPolicy = settings.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    // Queues are named `<stack>-<pool>-<priority>[-dlq]`: the functions derive each URL
    // from QUEUE_URL_PREFIX, one variable however many pools (Lambda's 4 KB limit).
    const queueNamePrefix = `${this.stackName}-`;
    this.queues = new PoolQueues(this, 'Queues', { queues: topology.queues, namePrefix: queueNamePrefix });
    this.table = new TaskTable(this, 'TaskTable', {
      capacity: props.tableCapacity ?? capacityFromContext(this.node.tryGetContext('tableCapacity')),
      removalPolicy,
    });

    this.values = new ValuesBucket(this, 'Values', { removalPolicy });
    const environment = {
      [ENV.tableName]: this.table.table.tableName,
      [ENV.valuesBucket]: this.values.bucket.bucketName,
      [ENV.queueUrlPrefix]: `https://sqs.${this.region}.${this.urlSuffix}/${this.account}/${queueNamePrefix}`,
    };
    const agentQueues = topology.pools
      .filter((pool) => pool.runsOn === 'agents')
      .flatMap((pool) => this.queues.forPool(pool.name));
    // What the access targets of shared/topology/access.ts stand for.
    const resources = {
      table: this.table.table,
      workQueues: this.queues.workQueues,
      deadLetters: this.queues.deadLetterQueues,
      agentDeadLetters: agentQueues.map((q) => q.dlq),
      values: this.values.bucket,
    };

    // Before the API functions: a redelivery (POST /webhooks/{id}/deliveries/{deliveryId}/redeliver) sends to its delivery queue.
    this.events = new EventsPipeline(this, 'Events', { table: this.table.table, values: this.values.bucket, environment, workQueues: this.queues.workQueues });
    const { topic, key: topicKey, deliveryQueue, deliveryDlq, streamFailures } = this.events;
    this.compute = new ComputeStack(this, 'Compute', {
      topology,
      queues: this.queues,
      resources: { ...resources, events: { topic, topicKey, deliveryQueue, deliveryDlq, streamFailures } },
      environment,
      eventsEnvironment: { [EVENTS_ENV.deliveryQueueUrl]: deliveryQueue.queueUrl },
      reserveConcurrency: settings.reservedConcurrency,
    });
    ({ functions: this.functions, sweep: this.sweep, scheduleTicker: this.scheduleTicker, workers: this.workers } = this.compute);
    this.httpApi = new TaskfleetHttpApi(this, 'HttpApi', {
      routes: ROUTES,
      handlers: new Map([...this.functions.byRouteKey].map(([key, fn]) => [key, fn.function])),
      authorizerFunction: this.functions.authorizer.function,
      throttleRateLimit: settings.throttleRate,
      throttleBurstLimit: settings.throttleBurst,
      corsOrigins: settings.corsOrigins,
      ...(settings.domainName !== undefined && settings.certificateArn !== undefined
        ? { domain: { name: settings.domainName, certificateArn: settings.certificateArn } }
        : {}),
    });

    this.operations = new Operations(this, 'Operations', {
      poolQueues: [...this.queues.byKey.values()],
      otherDeadLetterQueues: new Map([
        ['webhook-deliveries', this.events.deliveryDlq],
        ['stream-failures', this.events.streamFailures],
      ]),
      functions: new Map([
        ...[...this.workers].map(([pool, worker]) => [`worker-${pool}`, worker.function] as const),
        ['stream-consumer', this.events.consumer],
        ['webhook-delivery', this.events.delivery],
        ['sweep', this.sweep.function],
        ['schedule-tick', this.scheduleTicker.function],
      ]),
      scheduled: new Map([
        ['sweep', this.sweep.function],
        ['schedule-tick', this.scheduleTicker.function],
      ]),
      streamConsumer: this.events.consumer,
      httpApi: this.httpApi.api,
      topicKey: this.events.key,
      pools: topology.pools.map((pool) => pool.name),
      slaSeconds: new Map(topology.pools.map((pool) => [pool.name, pool.slaSeconds])),
      ...(settings.alarmEmail !== undefined ? { alarmEmail: settings.alarmEmail } : {}),
      ...(settings.alarmTopicArn !== undefined ? { alarmTopicArn: settings.alarmTopicArn } : {}),
    });
    // Everything that holds data or its history follows `retain`; the rest is rebuilt by a deploy anyway.
    RemovalPolicies.of(this).apply(removalPolicy, { applyToResourceTypes: [...STATEFUL_RESOURCE_TYPES] });
    new CfnOutput(this, 'EventsTopicArn', { value: this.events.topic.topicArn, description: 'Every task and job event (SNS)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.alarmTopic.topicArn, description: 'Subscribe here to hear the alarms' });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'Base URL of the HTTP API (TASKFLEET_URL for agents and the CLI)' });
    if (this.httpApi.domainName !== undefined) {
      new CfnOutput(this, 'ApiDomainTarget', { value: this.httpApi.domainName.regionalDomainName, description: `Point ${settings.domainName} here (a CNAME, or a Route 53 alias)` });
    }
    new CfnOutput(this, 'Stage', { value: settings.stage, description: `The stage; cdk destroy ${settings.retain ? 'keeps' : 'deletes'} its table, bucket, key and logs` });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The task table (TABLE_NAME for `taskfleet tokens`)' });
    new CfnOutput(this, 'ValuesBucketName', { value: this.values.bucket.bucketName, description: 'Payloads and results over 8 KiB (empty it before destroying a stage that does not retain it)' });
  }
}

/** What `-c retain` decides for: the resources holding tasks, values, the key that reads them, and logs. */
export const STATEFUL_RESOURCE_TYPES = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'] as const;

/** `-c tableCapacity=provisioned | on-demand` on the CDK command line. */
function capacityFromContext(value: unknown): TableCapacity | undefined {
  if (value === undefined || value === 'on-demand') return undefined;
  if (value === 'provisioned') return DEFAULT_PROVISIONED;
  throw new Error(`context tableCapacity must be "on-demand" or "provisioned", not ${JSON.stringify(value)}`);
}
