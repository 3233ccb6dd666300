import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { deploySettings, stackIdFor } from './deploy-settings.js';
import { TaskfleetStack, type TaskfleetStackProps } from './taskfleet-stack.js';
import { repoPath } from './paths.js';

export interface BuildAppOptions {
  /**
   * Skip esbuild: NodejsFunction assets point at the source instead of a bundle.
   * For tests, which need the template, not the code. @default false
   */
  readonly skipBundling?: boolean;
  /** Run cdk-nag's AwsSolutions pack on synth; a finding fails it. @default true */
  readonly nag?: boolean;
  /**
   * Account and region of the stack.
   * @default CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION when set, else environment-agnostic
   */
  readonly env?: Environment;
  /** Where synth writes the cloud assembly. @default - the CLI's, or a temp directory */
  readonly outdir?: string;
  /** Extra CDK context, over cdk.json's (which tests get too, so they check what `cdk synth` makes). @default - none */
  readonly context?: Record<string, unknown>;
  /** Passed to the stack (e.g. `tableRemovalPolicy`), over the settings read from the context. @default - none */
  readonly stackProps?: Omit<TaskfleetStackProps, 'env' | 'settings'>;
}

export interface TaskfleetApp {
  readonly app: App;
  readonly stack: TaskfleetStack;
}

/** The CDK app `cdk.json` runs and the infra tests build. */
export function buildApp(options: BuildAppOptions = {}): TaskfleetApp {
  const context: Record<string, unknown> = { ...projectContext(), ...options.context };
  if (options.skipBundling) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({
    context,
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
  });
  const env = options.env ?? envFromCdkDefaults();
  // `-c stage=… -c retain=…` and the rest (infra/deploy-settings.ts): one stack per stage, `Taskfleet-<stage>`.
  const settings = deploySettings((key) => app.node.tryGetContext(key));
  const stack = new TaskfleetStack(app, stackIdFor(settings.stage), {
    settings,
    ...options.stackProps,
    ...(env === undefined ? {} : { env }),
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

function envFromCdkDefaults(): Environment | undefined {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  if (!account && !region) return undefined;
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

/** The feature flags in cdk.json, so an app built in a test matches the CLI's. */
function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}
