import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_FUNCTION_MEMORY_MB } from '../../shared/topology/memory.js';
import { LOCK_FILE, REPO_ROOT, repoPath } from '../paths.js';

/**
 * ESM bundles cannot `require()`; some bundled CommonJS dependencies still do.
 * This banner gives the bundle a `require` that resolves like Node's.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * How every function is bundled: ESM for Node 24 with a `require` shim, minified
 * with names kept, a source map, and the AWS SDK inside the bundle. Exported so
 * the infra test can build every entry with the same options in one esbuild run.
 */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node24',
  sourceMap: true,
  // Smaller bundles start faster; names are kept for error names and logs,
  // and the source map (NODE_OPTIONS) restores readable stack traces.
  minify: true,
  keepNames: true,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  // Bundle the AWS SDK too (CDK's default leaves @aws-sdk/* to the runtime):
  // the code then runs with the versions the lock file pins, not whatever
  // the Lambda runtime ships.
  externalModules: [],
} as const satisfies BundlingOptions;

export interface TaskfleetFunctionProps {
  /** Handler module relative to the repo root (e.g. `functions/get-task.ts`); it exports `handler`. */
  readonly entry: string;
  /** Environment variables, besides `NODE_OPTIONS`. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly description?: string;
  /** @default API_FUNCTION_MEMORY_MB (512) */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** How long the function's own log group keeps events. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Concurrency reserved for this function. @default - none: it draws on the account's unreserved pool */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One taskfleet Lambda: an ESM handler bundled by the local esbuild for Node 24
 * on arm64, with its own log group and its own role. The role starts empty
 * (no AWSLambdaBasicExecutionRole, which would allow writing to every log group):
 * it may write to this function's log group, and callers grant the rest
 * (grant-access.ts).
 */
export class TaskfleetFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  /** The handler module, relative to the repo root. */
  public readonly entry: string;

  constructor(scope: Construct, id: string, props: TaskfleetFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: repoPath(props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? API_FUNCTION_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      ...(props.description === undefined ? {} : { description: props.description }),
      environment: {
        // Powertools Logger: every function's lines name the service, and 1 % of
        // invocations log at debug (decided per invocation by injectLambdaContext).
        POWERTOOLS_SERVICE_NAME: 'taskfleet',
        POWERTOOLS_LOGGER_SAMPLE_RATE: '0.01',
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: { ...BUNDLING, mainFields: [...BUNDLING.mainFields], externalModules: [...BUNDLING.externalModules] },
    });
  }

}
