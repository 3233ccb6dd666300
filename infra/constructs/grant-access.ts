import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Access, AccessTarget } from '../../shared/topology/access.js';
import { acknowledgeTableIndexWildcard } from '../nag.js';
import { acknowledgeValuesObjects } from './values-bucket.js';
import type { TaskfleetFunction } from './taskfleet-function.js';

/** The resources behind each access target, for one function. */
export interface AccessResources {
  readonly table: ITable;
  /** The Lambda pools' work queues (agent pools have none). */
  readonly workQueues: readonly IQueue[];
  readonly deadLetters: readonly IQueue[];
  readonly agentDeadLetters: readonly IQueue[];
  /** A pool worker's own queues; empty for every other function. @default [] */
  readonly ownWorkQueues?: readonly IQueue[];
  readonly ownDeadLetters?: readonly IQueue[];
  /** The values bucket (large payloads and results). */
  readonly values: IBucket;
  /** The events pipeline's resources: its two functions are granted on them, and a route that redelivers a webhook delivery. @default none */
  readonly events?: EventsResources;
}

/** What the events targets stand for (infra/constructs/events-pipeline.ts). */
export interface EventsResources {
  readonly topic: ITopic;
  readonly topicKey: IKey;
  readonly deliveryQueue: IQueue;
  readonly deliveryDlq: IQueue;
  readonly streamFailures: IQueue;
}

/**
 * Grants a function exactly its declared access (shared/topology/access.ts): one
 * statement per target, with no helper's extras (grantReadWriteData would add
 * DeleteItem, Scan and BatchWriteItem; grantConsumeMessages GetQueueUrl). The
 * authorizer's `tokenItems` is the table limited by `dynamodb:LeadingKeys`.
 */
export function grantAccess(fn: TaskfleetFunction, declared: Access, resources: AccessResources): void {
  for (const [target, actions] of Object.entries(declared) as [AccessTarget, readonly string[]][]) {
    if (actions.length === 0) continue;
    const arns = resourceArns(target, resources);
    if (arns.length === 0) continue; // e.g. no agent pools in this topology
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...actions],
        resources: arns,
        ...(target === 'tokenItems'
          ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TOKEN#*'] } } }
          : {}),
      }),
    );
    if (target === 'indexes') acknowledgeTableIndexWildcard(fn, resources.table);
    if (target === 'values') acknowledgeValuesObjects(fn, resources.values);
  }
}

function resourceArns(target: AccessTarget, r: AccessResources): string[] {
  const arns = (queues: readonly IQueue[] | undefined) => (queues ?? []).map((q) => q.queueArn);
  switch (target) {
    case 'table':
    case 'tokenItems':
      return [r.table.tableArn];
    case 'indexes':
      return [`${r.table.tableArn}/index/*`];
    case 'workQueues':
      return arns(r.workQueues);
    case 'deadLetters':
      return arns(r.deadLetters);
    case 'agentDeadLetters':
      return arns(r.agentDeadLetters);
    case 'ownWorkQueues':
      return arns(r.ownWorkQueues);
    case 'ownDeadLetters':
      return arns(r.ownDeadLetters);
    case 'values':
      return [r.values.arnForObjects('*')];
    case 'tableStream':
      return r.table.tableStreamArn === undefined ? [] : [r.table.tableStreamArn];
    case 'anyStream':
      return ['*'];
    case 'streamFailures':
      return arns(r.events === undefined ? [] : [r.events.streamFailures]);
    case 'eventsTopic':
      return r.events === undefined ? [] : [r.events.topic.topicArn];
    case 'topicKey':
      return r.events === undefined ? [] : [r.events.topicKey.keyArn];
    case 'deliveryQueue':
      return arns(r.events === undefined ? [] : [r.events.deliveryQueue]);
    case 'deliveryDlq':
      return arns(r.events === undefined ? [] : [r.events.deliveryDlq]);
  }
}
