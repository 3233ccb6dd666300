import { Duration, NestedStack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '../../shared/adapters/metrics/emf-event-metrics.js';
import { BACKLOG_METRICS_SERVICE } from '../../shared/adapters/metrics/emf-backlog-metrics.js';
import { PRIORITIES, type Priority } from '../../shared/domain/priority.js';
import { NOT_INVOKED_ALARM_MINUTES, STREAM_ITERATOR_AGE_ALARM_MS } from '../../shared/topology/alarms.js';
import type { PoolQueue } from './pool-queues.js';
import type { TaskfleetFunction } from './taskfleet-function.js';

export interface OperationsProps {
  /**
   * Every pool × priority's DLQ, with its work queue on a Lambda pool (named in the metrics
   * by `queueName` / `dlqName`). A pool × priority without a work queue (an agent pool) waits
   * in the table's ready sets: its age alarm reads the sweep's `OldestReadySeconds`.
   */
  readonly poolQueues: readonly PoolQueue[];
  /** Other DLQs an operator must hear about (webhook deliveries, stream records given up on). */
  readonly otherDeadLetterQueues: ReadonlyMap<string, IQueue>;
  /** Functions whose errors and throttles alarm: the workers, the events functions, the sweep and the schedule tick. */
  readonly functions: ReadonlyMap<string, TaskfleetFunction>;
  /** Functions run on a schedule: an alarm when one is not invoked (missing data breaches). */
  readonly scheduled: ReadonlyMap<string, TaskfleetFunction>;
  /** The table-stream consumer: an alarm when it falls behind (IteratorAge). */
  readonly streamConsumer: TaskfleetFunction;
  readonly httpApi: HttpApi;
  /** Encrypts the operator topic; must let cloudwatch.amazonaws.com use it. */
  readonly topicKey: IKey;
  /** Pools, for the dashboard's per-pool figures. */
  readonly pools: readonly string[];
  /** Each pool's SLA per priority (the topology's `slaSeconds`): the age alarms' thresholds. */
  readonly slaSeconds: ReadonlyMap<string, Readonly<Record<Priority, number>>>;
  /** Subscribed by email to the topic the alarms publish to (`-c alarmEmail`). @default - none */
  readonly alarmEmail?: string;
  /** An existing topic every alarm publishes to instead of `alarmTopic` (`-c alarmTopicArn`: a pager's). @default - the stack's own */
  readonly alarmTopicArn?: string;
}

const PERIOD = Duration.minutes(1);
/** The sweep reports once a minute: two-minute periods always hold a report, so a late run is not read as "no backlog". */
const BACKLOG_PERIOD = Duration.minutes(2);

/**
 * A pool queue's SQS metric (Maximum per minute), named by the queue's name as text:
 * `queue.metric…()` would name it by a reference, i.e. one nested-stack parameter per
 * queue — 8 per Lambda pool, 4 per agent pool, against the 200 a template may have.
 */
function sqsMetric(queueName: string, metricName: 'ApproximateAgeOfOldestMessage' | 'ApproximateNumberOfMessagesVisible'): Metric {
  return new Metric({ namespace: 'AWS/SQS', metricName, dimensionsMap: { QueueName: queueName }, statistic: 'Maximum', period: PERIOD });
}

/**
 * What an operator watches: alarms (a pool × priority's oldest waiting task past its
 * priority's SLA — SQS's age on Lambda pools, the sweep's ready-set age on agent pools,
 * any dead letter, function errors and throttles, API 5xx) that publish to the
 * operator topic, and one CloudWatch dashboard with the same figures plus the stream
 * consumer's queue times, run times and outcomes.
 *
 * The topic stays in the parent stack (subscribers keep its ARN); the alarms and
 * the dashboard — 8 alarms per pool and 2 more per Lambda pool — live in the nested
 * stack `Monitoring`, whose 500 resources hold about 50 pools, and reach the
 * functions, API and topic through the parameters CDK adds (the pool queues by name).
 */
export class Operations extends Construct {
  /** The stack's own operator topic (an output): where the alarms go unless `alarmTopicArn` names another. */
  public readonly alarmTopic: Topic;
  /** The one topic every alarm's action publishes to. */
  public readonly alarmActionTopic: ITopic;
  /** Holds the alarms and the dashboard. */
  public readonly monitoring: NestedStack;
  public readonly alarms: Alarm[] = [];
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'Alarms', { displayName: 'taskfleet alarms', enforceSSL: true, masterKey: props.topicKey });
    this.monitoring = new NestedStack(this, 'Monitoring', { description: 'taskfleet: alarms and the dashboard' });
    this.alarmActionTopic = props.alarmTopicArn === undefined ? this.alarmTopic : Topic.fromTopicArn(this, 'ExternalAlarms', props.alarmTopicArn);
    // The address confirms once (SNS mails a link); until then nothing is delivered to it.
    if (props.alarmEmail !== undefined) this.alarmActionTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.alarmActionTopic);
    const alarm = (id: string, metric: IMetric, threshold: number, description: string, below = false): Alarm => {
      const made = new Alarm(this.monitoring, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        // `below`: an absence alarm — no data means the function did not run.
        comparisonOperator: below ? ComparisonOperator.LESS_THAN_THRESHOLD : ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: below ? TreatMissingData.BREACHING : TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      made.addAlarmAction(action);
      made.addOkAction(action);
      this.alarms.push(made);
      return made;
    };

    const ages: IMetric[] = [];
    const depths: IMetric[] = [];
    for (const { spec, work, dlqName } of props.poolQueues) {
      const sla = props.slaSeconds.get(spec.pool)?.[spec.priority];
      if (sla === undefined) throw new Error(`no SLA for pool ${spec.pool}`);
      // Alarms get the bare metric (a label would turn it into a metric-math alarm); graphs get the label.
      const age =
        work === undefined
          ? new Metric({
              namespace: METRICS_NAMESPACE,
              metricName: METRIC.oldestReady,
              dimensionsMap: { pool: spec.pool, priority: spec.priority, service: BACKLOG_METRICS_SERVICE },
              statistic: 'Maximum',
              period: BACKLOG_PERIOD,
            })
          : sqsMetric(work.queueName, 'ApproximateAgeOfOldestMessage');
      ages.push(age.with({ label: spec.key }));
      alarm(`Age-${spec.pool}-${spec.priority}`, age, sla, `${spec.key}: the oldest waiting task is older than the ${spec.priority} SLA of ${sla} s`);
      const depth = sqsMetric(dlqName, 'ApproximateNumberOfMessagesVisible');
      depths.push(depth.with({ label: `${spec.key} DLQ` }));
      alarm(`Dlq-${spec.pool}-${spec.priority}`, depth, 0, `${spec.key}: tasks are in the DLQ (GET /dlq to inspect, POST /dlq/redrive to replay)`);
    }
    for (const [name, dlq] of props.otherDeadLetterQueues) {
      const depth = dlq.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
      depths.push(depth.with({ label: name }));
      alarm(`Dlq-${name}`, depth, 0, `${name}: messages are dead-lettered`);
    }

    const errors: IMetric[] = [];
    const throttles: IMetric[] = [];
    for (const [name, fn] of props.functions) {
      const e = fn.function.metricErrors({ period: PERIOD, statistic: 'Sum' });
      const t = fn.function.metricThrottles({ period: PERIOD, statistic: 'Sum' });
      errors.push(e.with({ label: name }));
      throttles.push(t.with({ label: name }));
      alarm(`Errors-${name}`, e, 0, `${name}: invocations failed`);
      alarm(`Throttles-${name}`, t, 0, `${name}: invocations were throttled`);
    }
    for (const [name, fn] of props.scheduled) {
      const invocations = fn.function.metricInvocations({ period: Duration.minutes(NOT_INVOKED_ALARM_MINUTES), statistic: 'Sum' });
      alarm(`NotInvoked-${name}`, invocations, 1, `${name}: not invoked for ${NOT_INVOKED_ALARM_MINUTES} minutes (its schedule stopped)`, true);
    }
    const iteratorAge = props.streamConsumer.function.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' });
    alarm('IteratorAge-stream-consumer', iteratorAge, STREAM_ITERATOR_AGE_ALARM_MS, 'stream-consumer: more than 5 minutes behind the table stream (events, webhooks and /stats lag)');
    const serverErrors = props.httpApi.metricServerError({ period: PERIOD, statistic: 'Sum' });
    alarm('Api5xx', serverErrors, 0, 'the HTTP API answered 5xx');

    const own = (name: string, pool: string, priority: string, statistic: string): Metric =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { pool, priority, service: 'taskfleet-events' }, statistic, period: PERIOD, label: `${pool}:${priority}` });
    const perPool = (name: string, statistic: string): IMetric[] => props.pools.flatMap((pool) => PRIORITIES.map((p) => own(name, pool, p, statistic)));

    this.dashboard = new Dashboard(this.monitoring, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '# taskfleet\nQueues, dead letters, functions and the API; task figures come from the table stream.', width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Oldest waiting task (s), per pool × priority', left: ages, width: 12 }),
      new GraphWidget({ title: 'Dead letters', left: depths, width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Queue time p90 (ms)', left: perPool(METRIC.queueTime, 'p90'), width: 8 }),
      new GraphWidget({ title: 'Run time p90 (ms)', left: perPool(METRIC.runTime, 'p90'), width: 8 }),
      new GraphWidget({
        title: 'Outcomes',
        left: [METRIC.completed, METRIC.failed, METRIC.retried, METRIC.deadLettered, METRIC.cancelled, METRIC.expired].map(
          (name) => new MathExpression({ expression: `SUM(SEARCH('{${METRICS_NAMESPACE},pool,priority,service} MetricName="${name}"', 'Sum', 60))`, label: name, period: PERIOD }),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Function errors', left: errors, width: 8 }),
      new GraphWidget({ title: 'Function throttles', left: throttles, width: 8 }),
      new GraphWidget({ title: 'API 5xx', left: [serverErrors], width: 8 }),
    );
    // Circuit breakers opening and closing, per pool (the stream consumer's CIRCUIT# records).
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Circuit changes per pool',
        left: [METRIC.circuitOpened, METRIC.circuitClosed].map(
          (name) => new MathExpression({ expression: `SEARCH('{${METRICS_NAMESPACE},pool,service} MetricName="${name}"', 'Sum', 60)`, label: name, period: PERIOD }),
        ),
        width: 24,
      }),
    );
  }
}
