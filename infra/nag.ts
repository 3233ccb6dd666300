import { type CfnElement, Names, Stack, Validations } from 'aws-cdk-lib';
import type { CfnTable, ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag names the `Arn` of `element` in a finding on `consumer`'s policy:
 * `<LogicalId.Arn>` in the element's own stack; in a stack nested in it, the
 * parameter CDK adds for the reference (aws-cdk-lib core/lib/private/refs.ts:
 * `reference-to-<unique id>Arn`, which as a top-level logical id loses the dashes).
 * A change in either spelling fails the nag test, not a deployment.
 */
export function arnInFinding(consumer: IConstruct, element: CfnElement): string {
  const producer = Stack.of(element);
  const stack = Stack.of(consumer);
  if (stack === producer) return `<${producer.resolve(element.logicalId) as string}.Arn>`;
  if (stack.nestedStackParent !== producer) {
    throw new Error(`${consumer.node.path} is neither in ${producer.node.path} nor in a stack nested in it`);
  }
  return `<${`reference-to-${Names.nodeUniqueId(element.node)}Arn`.replace(/[^A-Za-z0-9]/g, '')}>`;
}

/**
 * cdk-nag 3 matches an acknowledgement by its exact finding id, so an IAM5
 * wildcard finding has to be named the way cdk-nag prints it:
 * `AwsSolutions-IAM5[Resource::<LogicalId.Arn>/index/*]` (or the parameter that
 * stands for the ARN when the function is in a nested stack).
 */
export function tableIndexWildcardFinding(table: ITable, consumer: IConstruct = table): string {
  const cfnTable = table.node.defaultChild as CfnTable | undefined;
  if (!cfnTable) throw new Error(`table ${table.node.path} has no CfnTable to name in an acknowledgement`);
  return `AwsSolutions-IAM5[Resource::${arnInFinding(consumer, cfnTable)}/index/*]`;
}

/**
 * `grantReadData` / `grantReadWriteData` add `<table>/index/*` so the function
 * can Query the GSIs. Every index of the table is one the functions use (the
 * list routes, the ready set and the sweep's timers), so the wildcard grants nothing extra.
 */
export function acknowledgeTableIndexWildcard(scope: IConstruct, table: ITable): void {
  Validations.of(scope).acknowledge({
    id: tableIndexWildcardFinding(table, scope),
    reason:
      'grantReadData/grantReadWriteData add <table>/index/* so the function can Query the GSIs; ' +
      'all four indexes (list, status, ready, due) belong to this table and hold task data the role may already read.',
  });
}
