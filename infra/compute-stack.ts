import { NestedStack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  AUTHORIZER_ACCESS,
  AUTHORIZER_ENTRY,
  SWEEP_ACCESS,
  SWEEP_ENTRY,
  SWEEP_EVERY_MINUTES,
  ROUTES,
  SCHEDULE_TICK_ACCESS,
  SCHEDULE_TICK_ENTRY,
  SCHEDULE_TICK_EVERY_MINUTES,
  SCHEDULE_TICK_WINDOW_SECONDS,
  WORKER_ACCESS,
  WORKER_ENTRY,
} from '../shared/topology/routes.js';
import type { Topology } from '../shared/topology/topology.js';
import { ApiFunctions } from './constructs/api-functions.js';
import type { AccessResources } from './constructs/grant-access.js';
import { Sweep } from './constructs/sweep.js';
import type { PoolQueues } from './constructs/pool-queues.js';
import { PoolWorker } from './constructs/pool-worker.js';
import { ScheduleTicker } from './constructs/schedule-ticker.js';

export interface ComputeStackProps {
  /** The pools: a worker per `runsOn: 'lambda'` pool. */
  readonly topology: Topology;
  /** The parent's pool × priority queues: the Lambda pools' work queues are the workers' event sources. */
  readonly queues: PoolQueues;
  /** The parent's table, queues and bucket the access targets stand for. */
  readonly resources: AccessResources;
  /** Set on every function (TABLE_NAME, VALUES_BUCKET, QUEUE_URL_PREFIX). */
  readonly environment: Readonly<Record<string, string>>;
  /** Set besides `environment` on the API functions that send to the events pipeline's queues (its queue URLs). @default none */
  readonly eventsEnvironment?: Readonly<Record<string, string>>;
  /** Reserve each Lambda pool's concurrency for its worker (`-c reservedConcurrency`). @default true */
  readonly reserveConcurrency?: boolean;
}

/**
 * The task-handling Lambdas, in a nested stack of their own: one function per
 * route plus the authorizer, a worker per Lambda pool with its event-source
 * mappings, the sweep and the schedule tick — about 190 resources
 * (4 per function: function, role, policy, log group) that would otherwise
 * count against the parent's 500.
 *
 * Only stateless, CloudFormation-named resources live here: nothing a user or
 * the data depends on by name or ARN (the table, bucket, queues, API and
 * topics stay in the parent), so moving them here replaced them harmlessly.
 * CDK passes each parent resource they use as a parameter (every work queue's
 * and DLQ's ARN: 8 per Lambda pool, 4 per agent pool; plus the table and
 * bucket), which caps a stack of Lambda pools at about 24, past the parent's own
 * limit (docs/architecture.md).
 */
export class ComputeStack extends NestedStack {
  public readonly functions: ApiFunctions;
  public readonly sweep: Sweep;
  public readonly scheduleTicker: ScheduleTicker;
  /** By pool name: the `runsOn: 'lambda'` pools only. */
  public readonly workers: ReadonlyMap<string, PoolWorker>;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, { description: 'taskfleet: the API functions, pool workers, sweep and schedule tick' });
    const { resources, environment } = props;
    this.functions = new ApiFunctions(this, 'Functions', {
      routes: ROUTES,
      authorizerEntry: AUTHORIZER_ENTRY,
      authorizerAccess: AUTHORIZER_ACCESS,
      resources,
      environment,
      ...(props.eventsEnvironment !== undefined ? { eventsEnvironment: props.eventsEnvironment } : {}),
    });
    this.sweep = new Sweep(this, 'Sweep', {
      entry: SWEEP_ENTRY,
      everyMinutes: SWEEP_EVERY_MINUTES,
      access: SWEEP_ACCESS,
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
      props.topology.pools
        .filter((pool) => pool.runsOn === 'lambda')
        .map((pool) => [
          pool.name,
          new PoolWorker(this, `Worker-${pool.name}`, {
            pool,
            entry: WORKER_ENTRY,
            queues: props.queues.forLambdaPool(pool.name),
            access: WORKER_ACCESS,
            resources,
            environment,
            reserveConcurrency: props.reserveConcurrency ?? true,
          }),
        ]),
    );
  }
}
