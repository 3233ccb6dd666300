import { Duration } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, EventField, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Access } from '../../shared/topology/access.js';
import { grantAccess, type AccessResources } from './grant-access.js';
import { Construct } from 'constructs';
import { TaskfleetFunction } from './taskfleet-function.js';

export interface ScheduleTickerProps {
  /** The tick's handler module: `SCHEDULE_TICK_ENTRY`. */
  readonly entry: string;
  /** How often EventBridge invokes it: `SCHEDULE_TICK_EVERY_MINUTES`. */
  readonly everyMinutes: number;
  /** How long each invocation keeps ticking to sub-minute due times: `SCHEDULE_TICK_WINDOW_SECONDS`. */
  readonly windowSeconds: number;
  /** What it may do (SCHEDULE_TICK_ACCESS) and on what. */
  readonly access: Access;
  readonly resources: AccessResources;
  /** Set on the function (TABLE_NAME, QUEUE_URLS, DLQ_URLS). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * Submits the runs of due schedules: one Lambda that EventBridge invokes every
 * minute with its scheduled time and a window; it ticks at that time, then sleeps
 * to each due time inside the window (the `every: 2s` case), then returns.
 */
export class ScheduleTicker extends Construct {
  public readonly function: TaskfleetFunction;
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ScheduleTickerProps) {
    super(scope, id);
    this.function = new TaskfleetFunction(this, 'Tick', {
      entry: props.entry,
      description: 'Submits the runs of due schedules',
      environment: props.environment,
      // The window plus time for its last tick's submissions.
      timeout: Duration.seconds(props.windowSeconds + 30),
    });
    grantAccess(this.function, props.access, props.resources);

    this.rule = new Rule(this, 'Schedule', {
      description: `Tick the task schedules every ${props.everyMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(props.everyMinutes)),
      targets: [
        new LambdaFunction(this.function.function, {
          // A failed tick is not retried: the next one finds the same schedules still due.
          retryAttempts: 0,
          event: RuleTargetInput.fromObject({ time: EventField.time, windowSeconds: props.windowSeconds }),
        }),
      ],
    });
  }
}
