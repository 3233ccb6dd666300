import { Duration } from 'aws-cdk-lib';
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
  /** Every DLQ: `readQueueStats` reads them. */
  readonly deadLetterQueues: readonly IQueue[];
  /**
   * The work queues of the `runsOn: 'agents'` pools (no Lambda worker consumes
   * them): what `consumeAgentQueues` grants. Never a Lambda pool's queue.
   */
  readonly agentWorkQueues: readonly IQueue[];
  /** The DLQs of the `runsOn: 'agents'` pools: what `sendToAgentDeadLetters` grants. */
  readonly agentDeadLetterQueues: readonly IQueue[];
  /** Set on every function (TABLE_NAME, QUEUE_URLS, DLQ_URLS). */
  readonly environment: Readonly<Record<string, string>>;
}

/** The default `RouteSpec.timeoutSeconds`. */
export const DEFAULT_ROUTE_TIMEOUT_SECONDS = 10;
/** API Gateway gives up on a Lambda integration after 29 s (CDK's cap; 30 s in the service). */
const MAX_ROUTE_TIMEOUT_SECONDS = 29;

/**
 * The API's Lambdas: one per route plus the authorizer, each granted exactly
 * what its `access` says — `read` → grantReadData, `readwrite` →
 * grantReadWriteData, `sendToQueues` → SendMessage on the work queues,
 * `readQueueStats` → GetQueueAttributes (only) on every work queue and DLQ,
 * `consumeAgentQueues` → receive / change visibility / delete on the agent
 * pools' work queues, `sendToAgentDeadLetters` → SendMessage on the agent
 * pools' DLQs, `consumeDeadLetters` → receive / change visibility / delete on
 * every DLQ. Each function's timeout is `timeoutSeconds` (default 10 s).
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
        timeout: Duration.seconds(routeTimeoutSeconds(route)),
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
      if (route.access.consumeAgentQueues) {
        // Agents lease these tasks over HTTP: the function receives, extends or
        // releases (ChangeMessageVisibility) and deletes on their behalf.
        // grantConsumeMessages adds GetQueueAttributes / GetQueueUrl on the same queues.
        for (const queue of props.agentWorkQueues) queue.grantConsumeMessages(fn.role);
      }
      if (route.access.consumeDeadLetters) {
        // /dlq reads letters (putting them back) and, on redrive, deletes them.
        for (const dlq of props.deadLetterQueues) dlq.grantConsumeMessages(fn.role);
      }
      if (route.access.sendToAgentDeadLetters) {
        // A lease-token call that fails a task for good dead-letters it, as a
        // Lambda worker does for its own pool.
        for (const dlq of props.agentDeadLetterQueues) dlq.grantSendMessages(fn.role);
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

/** `RouteSpec.timeoutSeconds` or the default; throws unless whole seconds that API Gateway waits for. */
export function routeTimeoutSeconds(route: RouteSpec): number {
  const seconds = route.timeoutSeconds ?? DEFAULT_ROUTE_TIMEOUT_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_ROUTE_TIMEOUT_SECONDS) {
    throw new Error(
      `route "${route.routeKey}": timeoutSeconds must be a whole number from 1 to ${MAX_ROUTE_TIMEOUT_SECONDS} (API Gateway's integration limit)`,
    );
  }
  return seconds;
}
