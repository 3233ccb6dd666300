import { CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
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

/** A synthesized CloudFormation template. */
export type TemplateJson = Record<string, any>;

/**
 * The synthesized templates seen through the stack's constructs, so tests find
 * resources by what they are (`stack.queues.byKey.get(...)`) instead of by
 * logical ids copied from a template.
 *
 * The app is a root stack with nested stacks (`Compute`, `Operations/Monitoring`).
 * A nested template names a parent's resource by a parameter; the parent names a
 * nested one by `Fn::GetAtt [<stack>, Outputs.<x>]`. Every value read through
 * `resource`, `findResources` and `grants` is rewritten to how the resource's
 * *own* template names it (`{Ref: <id>}`, `{Fn::GetAtt: [<id>, Arn]}`), so a test
 * compares a function's grant or event source with `arnOf(queue)` wherever each
 * of them lives.
 */
export class StackTemplate {
  /** The root stack's template, as synthesized (outputs, parameters). */
  readonly template: Template;
  /** The root stack and every stack nested in it. */
  readonly stacks: readonly Stack[];
  private readonly raw = new Map<Stack, TemplateJson>();
  private readonly rewritten = new Map<Stack, Template>();
  /** A nested stack by the logical id of its `AWS::CloudFormation::Stack` in its parent's template. */
  private readonly nestedByResource = new Map<string, NestedStack>();

  constructor(readonly stack: TaskfleetStack) {
    const nested = stack.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c));
    this.stacks = [stack, ...nested];
    for (const s of this.stacks) this.raw.set(s, Template.fromStack(s).toJSON());
    for (const s of nested) {
      this.nestedByResource.set(s.nestedStackParent!.getLogicalId(s.nestedStackResource as unknown as CfnElement), s);
    }
    for (const s of this.stacks) {
      const json = this.raw.get(s)!;
      this.rewritten.set(
        s,
        Template.fromJSON({ ...json, Resources: this.ownNames(json.Resources ?? {}, s) }, { skipCyclicalDependenciesCheck: true }),
      );
    }
    this.template = Template.fromJSON(this.raw.get(stack)!, { skipCyclicalDependenciesCheck: true });
  }

  /** The template of a stack as CloudFormation gets it (parameters, outputs, references unrewritten). */
  rawTemplate(stack: Stack): TemplateJson {
    const found = this.raw.get(stack);
    if (!found) throw new Error(`${stack.node.path} is not in this app`);
    return found;
  }

  /** Every template's resources of a type, with properties matching `props` if given. */
  findResources(type: string, props?: unknown): Record<string, CfnResourceJson> {
    return Object.assign({}, ...this.stacks.map((s) => this.rewritten.get(s)!.findResources(type, props))) as Record<string, CfnResourceJson>;
  }

  /** Passes if any template has a resource of the type with these properties. */
  hasResourceProperties(type: string, props: unknown): void {
    if (Object.keys(this.findResources(type, { Properties: props })).length > 0) return;
    this.rewritten.get(this.stack)!.hasResourceProperties(type, props); // fails with the root's report
  }

  logicalId(construct: IConstruct): string {
    const element = construct.node.defaultChild ?? construct;
    if (!(element instanceof CfnElement)) throw new Error(`${construct.node.path} is not a CloudFormation element`);
    return Stack.of(construct).getLogicalId(element);
  }

  resource(construct: IConstruct): CfnResourceJson {
    const found = this.rewritten.get(Stack.of(construct))?.toJSON().Resources[this.logicalId(construct)] as CfnResourceJson | undefined;
    if (!found) throw new Error(`no resource for ${construct.node.path}`);
    return found;
  }

  /** A resource by logical id, in whichever template holds it. */
  resourceById(logicalId: string): CfnResourceJson {
    for (const s of this.stacks) {
      const found = this.rewritten.get(s)!.toJSON().Resources[logicalId] as CfnResourceJson | undefined;
      if (found) return found;
    }
    throw new Error(`no resource ${logicalId}`);
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
    const template = this.rewritten.get(Stack.of(fn))!;
    const policies = {
      ...template.findResources('AWS::IAM::Policy', attachedToRole),
      ...template.findResources('AWS::IAM::ManagedPolicy', attachedToRole),
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

  /** The route functions, the authorizer, the sweep, the pool workers and the events functions. */
  allFunctions(): TaskfleetFunction[] {
    const { functions, sweep, scheduleTicker, workers, events } = this.stack;
    return [
      ...functions.byRouteKey.values(),
      functions.authorizer,
      sweep.function,
      scheduleTicker.function,
      ...[...workers.values()].map((w) => w.function),
      events.consumer,
      events.delivery,
    ];
  }

  /**
   * `value` from `stack`'s template with each cross-stack reference replaced by
   * what it stands for, named as in the template that defines it: a nested
   * stack's parameter by the value its parent passes, a nested stack's output
   * (`Fn::GetAtt [<stack>, Outputs.<x>]`) by that output's value.
   */
  private ownNames(value: unknown, stack: Stack): any {
    if (Array.isArray(value)) return value.map((v) => this.ownNames(v, stack));
    if (value === null || typeof value !== 'object') return value;
    const v = value as Record<string, any>;
    const keys = Object.keys(v);
    if (keys.length === 1 && typeof v.Ref === 'string' && NestedStack.isNestedStack(stack)) {
      const parameter = this.rawTemplate(stack).Parameters?.[v.Ref];
      if (parameter !== undefined) {
        const parent = stack.nestedStackParent!;
        const resource = this.rawTemplate(parent).Resources[parent.getLogicalId(stack.nestedStackResource as unknown as CfnElement)];
        return this.ownNames(resource.Properties.Parameters[v.Ref], parent);
      }
    }
    if (keys.length === 1 && Array.isArray(v['Fn::GetAtt'])) {
      const [id, attribute] = v['Fn::GetAtt'] as [string, string];
      const nested = this.nestedByResource.get(id);
      if (nested !== undefined && attribute.startsWith('Outputs.')) {
        return this.ownNames(this.rawTemplate(nested).Outputs[attribute.slice('Outputs.'.length)].Value, nested);
      }
    }
    return Object.fromEntries(keys.map((k) => [k, this.ownNames(v[k], stack)]));
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
