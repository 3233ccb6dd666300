import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { arnInFinding } from '../nag.js';
import { Construct } from 'constructs';

export interface ValuesBucketProps {
  /**
   * @default RemovalPolicy.RETAIN — it holds task payloads and results. With DESTROY,
   * CloudFormation deletes it only when empty (docs/deploy.md, "Teardown"): CDK's
   * auto-delete would add a custom resource and its Lambda (3 resources) to the root
   * stack, whose 500 bound the number of pools.
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Payloads and results above 8 KiB (shared/adapters/s3/s3-value-store.ts):
 * encrypted at rest, TLS only, private. No expiry by age: a task may wait a year for
 * its `runAt`, a schedule's template lives for ever, a record is kept 30 days after it
 * ends; an object is deleted when the record pointing to it is removed or expires (the
 * stream consumer, shared/services/release-values.ts). Only incomplete multipart
 * uploads are cleaned up by age.
 */
export class ValuesBucket extends Construct {
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ValuesBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Objects are payloads and results read only by the task functions; access is logged by CloudTrail data events if the operator enables them.',
    });
  }
}

/**
 * A function's object grant on the bucket is `<bucket>/*`: every object is a
 * payload or result of the same tables' tasks, which the role already handles.
 */
export function acknowledgeValuesObjects(scope: IConstruct, bucket: IBucket): void {
  const cfn = bucket.node.defaultChild as CfnBucket | undefined;
  if (!cfn) throw new Error(`bucket ${bucket.node.path} has no CfnBucket to name in an acknowledgement`);
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${arnInFinding(scope, cfn)}/*]`,
    reason: 'Task payloads and results are objects named by tenant and task id, created at run time: the role reads or writes only these.',
  });
}
