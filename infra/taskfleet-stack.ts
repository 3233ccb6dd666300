import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ENV } from '../shared/config-keys.js';
import {
  AUTHORIZER_ENTRY,
  RECONCILER_ENTRY,
  RECONCILE_EVERY_MINUTES,
  ROUTES,
} from '../shared/topology/routes.js';
import { TOPOLOGY } from '../shared/topology/topology.js';
import { ApiFunctions } from './constructs/api-functions.js';
import { OutboxReconciler } from './constructs/outbox-reconciler.js';
import { PoolQueues } from './constructs/pool-queues.js';
import { TaskTable } from './constructs/task-table.js';
import { TaskfleetHttpApi } from './constructs/taskfleet-http-api.js';

export interface TaskfleetStackProps extends StackProps {
  /** What happens to the task table when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
}

/**
 * taskfleet on AWS: the pool × priority queues, the task table, the HTTP API
 * with its Lambdas and authorizer, and the scheduled outbox reconciler. Queues,
 * table, routes and grants all come from shared/topology.
 */
export class TaskfleetStack extends Stack {
  public readonly queues: PoolQueues;
  public readonly table: TaskTable;
  public readonly functions: ApiFunctions;
  public readonly httpApi: TaskfleetHttpApi;
  public readonly reconciler: OutboxReconciler;

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

    this.functions = new ApiFunctions(this, 'Functions', {
      routes: ROUTES,
      authorizerEntry: AUTHORIZER_ENTRY,
      table: this.table.table,
      workQueues,
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

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The task table' });
  }
}
