import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ENV } from '../shared/config-keys.js';
import {
  AUTHORIZER_ACCESS,
  AUTHORIZER_ENTRY,
  RECONCILER_ACCESS,
  RECONCILER_ENTRY,
  RECONCILE_EVERY_MINUTES,
  ROUTES,
  WORKER_ACCESS,
  SCHEDULE_TICK_ACCESS,
  SCHEDULE_TICK_ENTRY,
  SCHEDULE_TICK_EVERY_MINUTES,
  SCHEDULE_TICK_WINDOW_SECONDS,
  WORKER_ENTRY,
} from '../shared/topology/routes.js';
import { TOPOLOGY, type Topology } from '../shared/topology/topology.js';
import { ApiFunctions } from './constructs/api-functions.js';
import { OutboxReconciler } from './constructs/outbox-reconciler.js';
import { PoolQueues } from './constructs/pool-queues.js';
import { PoolWorker } from './constructs/pool-worker.js';
import { ScheduleTicker } from './constructs/schedule-ticker.js';
import { TaskTable } from './constructs/task-table.js';
import { ValuesBucket } from './constructs/values-bucket.js';
import { TaskfleetHttpApi } from './constructs/taskfleet-http-api.js';
import { EventsPipeline } from './constructs/events-pipeline.js';
import { Operations } from './constructs/operations.js';

export interface TaskfleetStackProps extends StackProps {
  /** What happens to the task table when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /** The pools and their queues. @default TOPOLOGY (shared/topology/pools.ts) — what the functions' bundles also read */
  readonly topology?: Topology;
}

/**
 * taskfleet on AWS: the pool × priority queues, the task table, the HTTP API
 * with its Lambdas and authorizer, a worker Lambda per `runsOn: 'lambda'` pool
 * fed by that pool's queues, and the scheduled outbox reconciler. The queues of
 * `runsOn: 'agents'` pools have no worker: the lease API functions consume them
 * for the external agents. Queues, table, routes, workers and grants all come
 * from shared/topology.
 */
export class TaskfleetStack extends Stack {
  public readonly queues: PoolQueues;
  public readonly table: TaskTable;
  public readonly values: ValuesBucket;
  public readonly functions: ApiFunctions;
  public readonly httpApi: TaskfleetHttpApi;
  public readonly reconciler: OutboxReconciler;
  public readonly scheduleTicker: ScheduleTicker;
  /** By pool name: the `runsOn: 'lambda'` pools only. */
  public readonly workers: ReadonlyMap<string, PoolWorker>;
  /** Table stream → events topic and webhook deliveries. */
  public readonly events: EventsPipeline;
  /** Alarms, the operator topic and the dashboard. */
  public readonly operations: Operations;

  constructor(scope: Construct, id: string, props: TaskfleetStackProps = {}) {
    super(scope, id, {
      description: 'taskfleet: task distribution over SQS, DynamoDB and Lambda',
      ...props,
    });
    const topology = props.topology ?? TOPOLOGY;
    // Queues are named `<stack>-<pool>-<priority>`: the functions derive each URL
    // from QUEUE_URL_PREFIX, one variable however many pools (Lambda's 4 KB limit).
    const queueNamePrefix = `${this.stackName}-`;
    this.queues = new PoolQueues(this, 'Queues', { queues: topology.queues, namePrefix: queueNamePrefix });
    this.table = new TaskTable(this, 'TaskTable', {
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.values = new ValuesBucket(this, 'Values', { removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN });
    const environment = {
      [ENV.tableName]: this.table.table.tableName,
      [ENV.valuesBucket]: this.values.bucket.bucketName,
      [ENV.queueUrlPrefix]: `https://sqs.${this.region}.${this.urlSuffix}/${this.account}/${queueNamePrefix}`,
    };
    const lambdaPools = topology.pools.filter((pool) => pool.runsOn === 'lambda');
    const agentQueues = topology.pools
      .filter((pool) => pool.runsOn === 'agents')
      .flatMap((pool) => this.queues.forPool(pool.name));
    // What the access targets of shared/topology/access.ts stand for.
    const resources = {
      table: this.table.table,
      workQueues: this.queues.workQueues,
      deadLetters: this.queues.deadLetterQueues,
      agentWorkQueues: agentQueues.map((q) => q.queue),
      agentDeadLetters: agentQueues.map((q) => q.dlq),
      values: this.values.bucket,
    };

    this.functions = new ApiFunctions(this, 'Functions', {
      routes: ROUTES,
      authorizerEntry: AUTHORIZER_ENTRY,
      authorizerAccess: AUTHORIZER_ACCESS,
      resources,
      environment,
    });
    this.httpApi = new TaskfleetHttpApi(this, 'HttpApi', {
      routes: ROUTES,
      handlers: new Map([...this.functions.byRouteKey].map(([key, fn]) => [key, fn.function])),
      authorizerFunction: this.functions.authorizer.function,
    });
    this.reconciler = new OutboxReconciler(this, 'Outbox', {
      entry: RECONCILER_ENTRY,
      everyMinutes: RECONCILE_EVERY_MINUTES,
      access: RECONCILER_ACCESS,
      resources,
      environment,
    });
    this.scheduleTicker = new ScheduleTicker(this, 'Schedules', {
      entry: SCHEDULE_TICK_ENTRY,
      everyMinutes: SCHEDULE_TICK_EVERY_MINUTES,
      windowSeconds: SCHEDULE_TICK_WINDOW_SECONDS,
      access: SCHEDULE_TICK_ACCESS,
      resources,
      environment,
    });
    this.workers = new Map(
      lambdaPools.map((pool) => [
        pool.name,
        new PoolWorker(this, `Worker-${pool.name}`, {
          pool,
          entry: WORKER_ENTRY,
          queues: this.queues.forPool(pool.name),
          access: WORKER_ACCESS,
          resources,
          environment,
        }),
      ]),
    );

    this.events = new EventsPipeline(this, 'Events', { table: this.table.table, environment });
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
      ]),
      httpApi: this.httpApi.api,
      topicKey: this.events.key,
      pools: TOPOLOGY.pools.map((pool) => pool.name),
      agentPools: new Set(topology.pools.filter((pool) => pool.runsOn === 'agents').map((pool) => pool.name)),
    });
    new CfnOutput(this, 'EventsTopicArn', { value: this.events.topic.topicArn, description: 'Every task and job event (SNS)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.alarmTopic.topicArn, description: 'Subscribe here to hear the alarms' });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The task table' });
  }
}
