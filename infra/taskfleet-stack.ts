import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ENV } from '../shared/config-keys.js';
import {
  AUTHORIZER_ENTRY,
  RECONCILER_ENTRY,
  RECONCILE_EVERY_MINUTES,
  ROUTES,
  WORKER_ENTRY,
} from '../shared/topology/routes.js';
import { TOPOLOGY } from '../shared/topology/topology.js';
import { ApiFunctions } from './constructs/api-functions.js';
import { OutboxReconciler } from './constructs/outbox-reconciler.js';
import { PoolQueues } from './constructs/pool-queues.js';
import { PoolWorker } from './constructs/pool-worker.js';
import { TaskTable } from './constructs/task-table.js';
import { TaskfleetHttpApi } from './constructs/taskfleet-http-api.js';
import { EventsPipeline } from './constructs/events-pipeline.js';
import { Operations } from './constructs/operations.js';

export interface TaskfleetStackProps extends StackProps {
  /** What happens to the task table when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
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
  public readonly functions: ApiFunctions;
  public readonly httpApi: TaskfleetHttpApi;
  public readonly reconciler: OutboxReconciler;
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
    this.queues = new PoolQueues(this, 'Queues', { queues: TOPOLOGY.queues });
    this.table = new TaskTable(this, 'TaskTable', {
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // toJsonString keeps the queue URLs as tokens until CloudFormation resolves them.
    const environment = {
      [ENV.tableName]: this.table.table.tableName,
      [ENV.queueUrls]: this.toJsonString(this.queues.queueUrls()),
      [ENV.dlqUrls]: this.toJsonString(this.queues.dlqUrls()),
    };
    const workQueues = this.queues.workQueues;
    const lambdaPools = TOPOLOGY.pools.filter((pool) => pool.runsOn === 'lambda');
    const agentQueues = TOPOLOGY.pools
      .filter((pool) => pool.runsOn === 'agents')
      .flatMap((pool) => this.queues.forPool(pool.name));

    this.functions = new ApiFunctions(this, 'Functions', {
      routes: ROUTES,
      authorizerEntry: AUTHORIZER_ENTRY,
      table: this.table.table,
      workQueues,
      deadLetterQueues: this.queues.deadLetterQueues,
      agentWorkQueues: agentQueues.map((q) => q.queue),
      agentDeadLetterQueues: agentQueues.map((q) => q.dlq),
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
      table: this.table.table,
      workQueues,
      environment,
    });
    this.workers = new Map(
      lambdaPools.map((pool) => [
        pool.name,
        new PoolWorker(this, `Worker-${pool.name}`, {
          pool,
          entry: WORKER_ENTRY,
          queues: this.queues.forPool(pool.name),
          table: this.table.table,
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
    });
    new CfnOutput(this, 'EventsTopicArn', { value: this.events.topic.topicArn, description: 'Every task and job event (SNS)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.alarmTopic.topicArn, description: 'Subscribe here to hear the alarms' });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The task table' });
  }
}
