import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { TaskfleetFunction } from '../../infra/constructs/taskfleet-function.js';
import type { TaskfleetStack } from '../../infra/taskfleet-stack.js';

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties: Record<string, any>;
  readonly DeletionPolicy?: string;
}

/** One `Allow` of an IAM policy, flattened to a single action on a single resource. */
export interface Grant {
  readonly action: string;
  readonly resource: unknown;
}

/**
 * The synthesized template seen through the stack's constructs, so tests find
 * resources by what they are (`stack.queues.byKey.get(...)`) instead of by
 * logical ids copied from a template.
 */
export class StackTemplate {
  readonly template: Template;
  private readonly resources: Record<string, CfnResourceJson>;

  constructor(readonly stack: TaskfleetStack) {
    this.template = Template.fromStack(stack);
    this.resources = this.template.toJSON().Resources as Record<string, CfnResourceJson>;
  }

  logicalId(construct: IConstruct): string {
    const element = construct.node.defaultChild ?? construct;
    if (!(element instanceof CfnElement)) throw new Error(`${construct.node.path} is not a CloudFormation element`);
    return Stack.of(construct).getLogicalId(element);
  }

  resource(construct: IConstruct): CfnResourceJson {
    const found = this.resources[this.logicalId(construct)];
    if (!found) throw new Error(`no resource for ${construct.node.path}`);
    return found;
  }

  resourceById(logicalId: string): CfnResourceJson {
    const found = this.resources[logicalId];
    if (!found) throw new Error(`no resource ${logicalId}`);
    return found;
  }

  /** `{'Fn::GetAtt': [<id>, 'Arn']}` of a construct. */
  arnOf(construct: IConstruct): unknown {
    return { 'Fn::GetAtt': [this.logicalId(construct), 'Arn'] };
  }

  /**
   * Every action on every resource the function's role is allowed: its inline
   * policy, and the managed overflow policies CDK adds when that grows too large.
   */
  grants(fn: TaskfleetFunction): Grant[] {
    const attachedToRole = { Properties: { Roles: Match.arrayWith([{ Ref: this.logicalId(fn.role) }]) } };
    const policies = {
      ...this.template.findResources('AWS::IAM::Policy', attachedToRole),
      ...this.template.findResources('AWS::IAM::ManagedPolicy', attachedToRole),
    };
    return Object.values(policies).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as any[])
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap((statement) =>
          [statement.Action].flat().flatMap((action: string) =>
            [statement.Resource].flat().map((resource: unknown) => ({ action, resource })),
          ),
        ),
    );
  }

  actionsOf(fn: TaskfleetFunction): Set<string> {
    return new Set(this.grants(fn).map((grant) => grant.action));
  }

  byRoute(routeKey: string): TaskfleetFunction {
    const fn = this.stack.functions.byRouteKey.get(routeKey);
    if (!fn) throw new Error(`no function for ${routeKey}`);
    return fn;
  }

  /** The worker function of a pool. */
  worker(pool: string): TaskfleetFunction {
    const worker = this.stack.workers.get(pool);
    if (!worker) throw new Error(`no worker for pool ${pool}`);
    return worker.function;
  }

  /** The route functions, the authorizer, the reconciler, the pool workers and the events functions. */
  allFunctions(): TaskfleetFunction[] {
    const { functions, reconciler, scheduleTicker, workers, events } = this.stack;
    return [
      ...functions.byRouteKey.values(),
      functions.authorizer,
      reconciler.function,
      scheduleTicker.function,
      ...[...workers.values()].map((w) => w.function),
      events.consumer,
      events.delivery,
    ];
  }
}

/** `{Fn::Join: ['', [...]]}` → its text with each intrinsic as `@@<n>@@`, and the intrinsics. */
export function flattenJoin(value: unknown): { text: string; intrinsics: unknown[] } {
  if (typeof value === 'string') return { text: value, intrinsics: [] };
  const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const intrinsics: unknown[] = [];
  const text = parts.map((p) => (typeof p === 'string' ? p : `@@${intrinsics.push(p) - 1}@@`)).join(separator);
  return { text, intrinsics };
}

