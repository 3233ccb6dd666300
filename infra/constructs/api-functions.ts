import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RouteSpec } from '../../shared/topology/routes.js';
import { TaskfleetFunction } from './taskfleet-function.js';

export interface ApiFunctionsProps {
  /** One function per route: `ROUTES`. */
  readonly routes: readonly RouteSpec[];
  /** The Lambda authorizer's handler module: `AUTHORIZER_ENTRY`. */
  readonly authorizerEntry: string;
  readonly table: ITable;
  /** The work queues a `sendToQueues` route may send to (not the DLQs); `readQueueStats` reads them. */
  readonly workQueues: readonly IQueue[];
  /** The DLQs: only `readQueueStats` reads them; no route sends to them. */
  readonly deadLetterQueues: readonly IQueue[];
  /** Set on every function (TABLE_NAME, QUEUE_URLS, DLQ_URLS). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The API's Lambdas: one per route plus the authorizer, each granted exactly
 * what its `access` says — `read` → grantReadData, `readwrite` →
 * grantReadWriteData, `sendToQueues` → SendMessage on the work queues,
 * `readQueueStats` → GetQueueAttributes (only) on every work queue and DLQ.
 */
export class ApiFunctions extends Construct {
  /** By `RouteSpec.routeKey`. */
  public readonly byRouteKey: ReadonlyMap<string, TaskfleetFunction>;
  /** Checks `Authorization: Bearer <token>` against the table's token hashes. */
  public readonly authorizer: TaskfleetFunction;

  constructor(scope: Construct, id: string, props: ApiFunctionsProps) {
    super(scope, id);
    const byRouteKey = new Map<string, TaskfleetFunction>();
    for (const route of props.routes) {
      if (byRouteKey.has(route.routeKey)) throw new Error(`route "${route.routeKey}" is declared twice`);
      const fn = new TaskfleetFunction(this, route.functionName, {
        entry: route.entry,
        description: route.routeKey,
        environment: props.environment,
      });
      if (route.access.table === 'read') fn.grantTableRead(props.table);
      if (route.access.table === 'readwrite') fn.grantTableReadWrite(props.table);
      if (route.access.sendToQueues) {
        for (const queue of props.workQueues) queue.grantSendMessages(fn.role);
      }
      if (route.access.readQueueStats) {
        // Not grantConsumeMessages / grantSendMessages: the depth counters need
        // GetQueueAttributes alone, and the URLs come from QUEUE_URLS / DLQ_URLS.
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['sqs:GetQueueAttributes'],
            resources: [...props.workQueues, ...props.deadLetterQueues].map((q) => q.queueArn),
          }),
        );
      }
      byRouteKey.set(route.routeKey, fn);
    }
    this.byRouteKey = byRouteKey;

    this.authorizer = new TaskfleetFunction(this, 'Authorizer', {
      entry: props.authorizerEntry,
      description: 'HTTP API Lambda authorizer',
      environment: props.environment,
    });
    this.authorizer.grantTableRead(props.table);
  }
}
