import { Stack, Validations } from 'aws-cdk-lib';
import type { CfnTable, ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 matches an acknowledgement by its exact finding id, so an IAM5
 * wildcard finding has to be named the way cdk-nag prints it:
 * `AwsSolutions-IAM5[Resource::<LogicalId.Arn>/index/*]`.
 */
export function tableIndexWildcardFinding(table: ITable): string {
  const cfnTable = table.node.defaultChild as CfnTable | undefined;
  if (!cfnTable) throw new Error(`table ${table.node.path} has no CfnTable to name in an acknowledgement`);
  const logicalId = Stack.of(cfnTable).resolve(cfnTable.logicalId) as string;
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`;
}

/**
 * `grantReadData` / `grantReadWriteData` add `<table>/index/*` so the function
 * can Query the GSIs. Every index of the table is one the functions use (the
 * list routes and the outbox), so the wildcard grants nothing extra.
 */
export function acknowledgeTableIndexWildcard(scope: IConstruct, table: ITable): void {
  Validations.of(scope).acknowledge({
    id: tableIndexWildcardFinding(table),
    reason:
      'grantReadData/grantReadWriteData add <table>/index/* so the function can Query the GSIs; ' +
      'all four indexes (byStatus, byPool, byTenant, outbox) belong to this table and hold task data the role may already read.',
  });
}
