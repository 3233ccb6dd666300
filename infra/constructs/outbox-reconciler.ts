import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { Access } from '../../shared/topology/access.js';
import { grantAccess, type AccessResources } from './grant-access.js';
import { TaskfleetFunction } from './taskfleet-function.js';

export interface OutboxReconcilerProps {
  /** The reconciler's handler module: `RECONCILER_ENTRY`. */
  readonly entry: string;
  /** How often it runs: `RECONCILE_EVERY_MINUTES`. */
  readonly everyMinutes: number;
  /** What it may do: `RECONCILER_ACCESS`. */
  readonly access: Access;
  /** The table and queues its access names. */
  readonly resources: AccessResources;
  /** Set on the function (TABLE_NAME, QUEUE_URL_PREFIX). */
  readonly environment: Readonly<Record<string, string>>;
  /** Under a minute, so one run ends before the next begins. @default Duration.seconds(50) */
  readonly timeout?: Duration;
}

/**
 * Re-sends tasks whose enqueue did not complete: a scheduled Lambda that reads
 * the sparse outbox index, sends to the work queues and clears the outbox mark.
 */
export class OutboxReconciler extends Construct {
  public readonly function: TaskfleetFunction;
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: OutboxReconcilerProps) {
    super(scope, id);
    this.function = new TaskfleetFunction(this, 'Reconciler', {
      entry: props.entry,
      description: 'Re-sends tasks whose enqueue did not complete',
      environment: props.environment,
      timeout: props.timeout ?? Duration.seconds(50),
    });
    grantAccess(this.function, props.access, props.resources);

    this.rule = new Rule(this, 'Schedule', {
      description: `Reconcile the task outbox every ${props.everyMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(props.everyMinutes)),
      // No retries: the next scheduled run picks up whatever this one missed.
      targets: [new LambdaFunction(this.function.function, { retryAttempts: 0 })],
    });
  }
}
