import { z } from 'zod';
import { definedOnly } from '../shared/domain/defined.js';

/**
 * What one deployment of the stack is: its stage and the settings a team passes
 * with `-c key=value` on the CDK command line (docs/deploy.md). Parsed once with
 * zod, so a wrong value stops `cdk synth` with the key's name instead of
 * deploying something else.
 */
export interface DeploySettings {
  /** The stage: the stack is `Taskfleet-<stage>`, so stages live side by side in one account. @default 'dev' */
  readonly stage: string;
  /** Keep the table, bucket, KMS key and log groups on `cdk destroy`. @default true for `prod`, false otherwise */
  readonly retain: boolean;
  /** The API stage's steady requests per second, all tenants together. @default 100 */
  readonly throttleRate: number;
  /** The API stage's burst, all tenants together. @default 200 */
  readonly throttleBurst: number;
  /** Subscribed to the alarm topic by email (the address confirms once). @default - none */
  readonly alarmEmail?: string;
  /** An existing SNS topic (a pager's, a chat bridge's) every alarm publishes to instead of the stack's own. @default - the stack's topic */
  readonly alarmTopicArn?: string;
  /** Reserve each Lambda pool's concurrency (the sum of its mappings' maximum). @default true for `prod`, false otherwise (a new account's quota may be too small) */
  readonly reservedConcurrency: boolean;
  /** A custom domain for the API, with `certificateArn` (an ACM certificate in the stack's region). @default - none */
  readonly domainName?: string;
  readonly certificateArn?: string;
  /** Origins a browser may call the API from (a dashboard served elsewhere). @default - none: no CORS */
  readonly corsOrigins: readonly string[];
}

/** `-c` values arrive as strings; cdk.json or a test may pass real booleans and numbers. */
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const positiveInt = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)], { error: 'must be a whole number' })
  .pipe(z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000'));
const arn = (service: string) => z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN`);

const FIELDS = z.object({
  // Stack names are ≤ 128 characters, queue names (`<stack>-<pool>-<priority>-dlq`) ≤ 80: keep the stage short.
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, 'must be 1–16 lower-case letters, digits or dashes, starting with a letter').default('dev'),
  retain: bool.optional(),
  throttleRate: positiveInt.default(100),
  throttleBurst: positiveInt.default(200),
  alarmEmail: z.email().optional(),
  alarmTopicArn: arn('sns').optional(),
  reservedConcurrency: bool.optional(),
  domainName: z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, 'must be a domain name').optional(),
  certificateArn: arn('acm').optional(),
  corsOrigins: z
    .string()
    .transform((text) => text.split(',').map((o) => o.trim()).filter((o) => o !== ''))
    .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ })])))
    .default([]),
});

const CONTEXT = FIELDS.refine((c) => (c.domainName === undefined) === (c.certificateArn === undefined), {
  message: 'domainName and certificateArn go together',
  path: ['certificateArn'],
});

export const CONTEXT_KEYS = Object.keys(FIELDS.shape) as readonly (keyof DeploySettings)[];

/**
 * The settings from the app's context (`app.node.tryGetContext`). Throws one
 * error naming every wrong key: `context stage: must be …`.
 */
export function deploySettings(context: (key: string) => unknown): DeploySettings {
  // Asked for often, and impossible here: refuse it rather than deploy without the protection asked for.
  for (const key of ['webAclArn', 'waf']) {
    if (context(key) !== undefined) {
      throw new Error(`context ${key}: AWS WAF does not attach to API Gateway HTTP APIs; put CloudFront with the web ACL in front (docs/deploy.md, "WAF")`);
    }
  }
  const raw = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, context(key)]).filter(([, value]) => value !== undefined));
  const parsed = CONTEXT.safeParse(raw);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((issue) => `context ${issue.path.join('.') || '(settings)'}: ${issue.message}`).join('; '));
  }
  const { retain, reservedConcurrency, ...rest } = parsed.data;
  // Production keeps its data and its capacity; a dev stage deploys into any account and leaves nothing behind.
  const prod = rest.stage === 'prod';
  return { ...definedOnly(rest), retain: retain ?? prod, reservedConcurrency: reservedConcurrency ?? prod } as DeploySettings;
}

/** The stack id, which is also its CloudFormation name: `Taskfleet-<stage>`. */
export function stackIdFor(stage: string): string {
  return `Taskfleet-${stage}`;
}

