import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/topology/table.js';

/** A range of capacity units autoscaling may move between. */
export interface CapacityRange {
  readonly min: number;
  readonly max: number;
}

/**
 * How the table pays for requests. On-demand (the default) needs no planning and
 * absorbs bursts; provisioned with autoscaling costs about a fifth per request
 * at steady load (the cost report prints both) but throttles a burst faster than
 * autoscaling follows (a few minutes), so it suits a steady flow of tasks.
 */
export type TableCapacity =
  | { readonly mode: 'on-demand' }
  | {
      readonly mode: 'provisioned';
      /** Write capacity units, for the table and each index. */
      readonly writeUnits: CapacityRange;
      /** Read capacity units, for the table and each index. */
      readonly readUnits: CapacityRange;
      /** Autoscaling's target utilisation. @default 70 */
      readonly targetUtilisationPercent?: number;
    };

/** `-c tableCapacity=provisioned`: a start for a steady flow, to tune through the stack's props. */
export const DEFAULT_PROVISIONED: TableCapacity = { mode: 'provisioned', writeUnits: { min: 5, max: 4_000 }, readUnits: { min: 5, max: 4_000 }, targetUtilisationPercent: 70 };

export interface TaskTableProps {
  /** @default { mode: 'on-demand' } */
  readonly capacity?: TableCapacity;
  /**
   * What CloudFormation does with the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN — the table holds every task's state
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The one DynamoDB table (tasks, idempotency keys, API tokens), built from
 * `TABLE` in shared/topology: on-demand (or provisioned with autoscaling), point-in-time recovery, TTL, a
 * NEW_AND_OLD_IMAGES stream and the GSIs (see shared/topology/table.ts).
 */
export class TaskTable extends Construct {
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: TaskTableProps = {}) {
    super(scope, id);
    const provisioned = props.capacity?.mode === 'provisioned' ? checked(props.capacity) : undefined;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      ...(provisioned === undefined
        ? { billingMode: BillingMode.PAY_PER_REQUEST }
        : { billingMode: BillingMode.PROVISIONED, readCapacity: provisioned.readUnits.min, writeCapacity: provisioned.writeUnits.min }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(TABLE.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.projection],
        ...(provisioned === undefined ? {} : { readCapacity: provisioned.readUnits.min, writeCapacity: provisioned.writeUnits.min }),
      });
    }
    if (provisioned !== undefined) {
      const target = { targetUtilizationPercent: provisioned.targetUtilisationPercent ?? 70 };
      const range = (r: CapacityRange) => ({ minCapacity: r.min, maxCapacity: r.max });
      this.table.autoScaleReadCapacity(range(provisioned.readUnits)).scaleOnUtilization(target);
      this.table.autoScaleWriteCapacity(range(provisioned.writeUnits)).scaleOnUtilization(target);
      for (const index of Object.values(TABLE.indexes)) {
        this.table.autoScaleGlobalSecondaryIndexReadCapacity(index.name, range(provisioned.readUnits)).scaleOnUtilization(target);
        this.table.autoScaleGlobalSecondaryIndexWriteCapacity(index.name, range(provisioned.writeUnits)).scaleOnUtilization(target);
      }
    }
  }
}

function checked(capacity: Extract<TableCapacity, { mode: 'provisioned' }>): Extract<TableCapacity, { mode: 'provisioned' }> {
  for (const [name, r] of [['writeUnits', capacity.writeUnits], ['readUnits', capacity.readUnits]] as const) {
    if (!Number.isInteger(r.min) || !Number.isInteger(r.max) || r.min < 1 || r.max < r.min) throw new Error(`tableCapacity.${name}: min and max must be integers with 1 ≤ min ≤ max`);
  }
  const target = capacity.targetUtilisationPercent ?? 70;
  // Application Auto Scaling's range for DynamoDB target tracking.
  if (target < 20 || target > 90) throw new Error('tableCapacity.targetUtilisationPercent must be from 20 to 90');
  return capacity;
}
