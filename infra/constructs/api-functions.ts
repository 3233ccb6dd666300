import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Access } from '../../shared/topology/access.js';
import type { RouteSpec } from '../../shared/topology/routes.js';
import { grantAccess, type AccessResources } from './grant-access.js';
import { TaskfleetFunction } from './taskfleet-function.js';

export interface ApiFunctionsProps {
  /** One function per route: `ROUTES`. */
  readonly routes: readonly RouteSpec[];
  /** The Lambda authorizer's handler module: `AUTHORIZER_ENTRY`. */
  readonly authorizerEntry: string;
  /** What the authorizer may do: `AUTHORIZER_ACCESS`. */
  readonly authorizerAccess: Access;
  /** The table and queues each route's `access` names (no pool worker's own queues). */
  readonly resources: AccessResources;
  /** Set on every function (TABLE_NAME, QUEUE_URL_PREFIX). */
  readonly environment: Readonly<Record<string, string>>;
  /** Set besides `environment` on a route whose access reaches the events pipeline's queues (a redelivery sends to the delivery queue). @default none */
  readonly eventsEnvironment?: Readonly<Record<string, string>>;
}

const usesEventQueues = (access: Access): boolean => access.deliveryQueue !== undefined || access.deliveryDlq !== undefined;

/** The default `RouteSpec.timeoutSeconds`. */
export const DEFAULT_ROUTE_TIMEOUT_SECONDS = 10;
/** API Gateway gives up on a Lambda integration after 29 s (CDK's cap; 30 s in the service). */
const MAX_ROUTE_TIMEOUT_SECONDS = 29;

/**
 * The API's Lambdas: one per route plus the authorizer, each granted exactly
 * its declared `access` (shared/topology/access.ts). Each function's timeout is
 * `timeoutSeconds` (default 10 s).
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
        environment: usesEventQueues(route.access) ? { ...props.environment, ...props.eventsEnvironment } : props.environment,
        timeout: Duration.seconds(routeTimeoutSeconds(route)),
      });
      grantAccess(fn, route.access, props.resources);
      byRouteKey.set(route.routeKey, fn);
    }
    this.byRouteKey = byRouteKey;

    this.authorizer = new TaskfleetFunction(this, 'Authorizer', {
      entry: props.authorizerEntry,
      description: 'HTTP API Lambda authorizer',
      environment: props.environment,
    });
    grantAccess(this.authorizer, props.authorizerAccess, props.resources);
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
