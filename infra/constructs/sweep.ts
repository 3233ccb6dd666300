import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { Access } from '../../shared/topology/access.js';
import { grantAccess, type AccessResources } from './grant-access.js';
import { TaskfleetFunction } from './taskfleet-function.js';

export interface SweepProps {
  /** The sweep's handler module: `SWEEP_ENTRY`. */
  readonly entry: string;
  /** How often it runs: `SWEEP_EVERY_MINUTES`. */
  readonly everyMinutes: number;
  /** What it may do: `SWEEP_ACCESS`. */
  readonly access: Access;
  /** The table and queues its access names. */
  readonly resources: AccessResources;
  /** Set on the function (TABLE_NAME, QUEUE_URL_PREFIX). */
  readonly environment: Readonly<Record<string, string>>;
  /** Under a minute, so one run ends before the next begins. @default Duration.seconds(50) */
  readonly timeout?: Duration;
}

/**
 * The sweep (functions/sweep.ts) on a schedule: acts on due timers (delays past
 * SQS's 15 minutes, deadlines, lapsed agent leases, next stages), resumes jobs that
 * stopped moving, and measures the agent pools' backlog.
 */
export class Sweep extends Construct {
  public readonly function: TaskfleetFunction;
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SweepProps) {
    super(scope, id);
    this.function = new TaskfleetFunction(this, 'Function', {
      entry: props.entry,
      description: 'Acts on due timers, resumes stalled jobs, measures agent pool backlogs',
      environment: props.environment,
      timeout: props.timeout ?? Duration.seconds(50),
    });
    grantAccess(this.function, props.access, props.resources);

    this.rule = new Rule(this, 'Schedule', {
      description: `Sweep due timers and jobs every ${props.everyMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(props.everyMinutes)),
      // No retries: the next scheduled run picks up whatever this one missed.
      targets: [new LambdaFunction(this.function.function, { retryAttempts: 0 })],
    });
  }
}
