import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  type HttpRouteIntegrationBindOptions,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteSpec } from '../../shared/topology/routes.js';

export interface TaskfleetHttpApiProps {
  /** Every route of the API: `ROUTES`. */
  readonly routes: readonly RouteSpec[];
  /** The function behind each route, by `routeKey`. */
  readonly handlers: ReadonlyMap<string, IFunction>;
  /** Guards every route whose spec says `authorized`. */
  readonly authorizerFunction: IFunction;
  /** Steady-state requests per second across the stage. @default 100 */
  readonly throttleRateLimit?: number;
  /** Burst requests across the stage. @default 200 */
  readonly throttleBurstLimit?: number;
  /** @default RetentionDays.THREE_MONTHS */
  readonly accessLogRetention?: RetentionDays;
  /** Origins a browser may call the API from (CORS preflight answered by API Gateway). @default - none: no CORS */
  readonly corsOrigins?: readonly string[];
  /** A custom domain mapped to the stage; point a CNAME (or alias) at `domainTarget`. @default - the execute-api URL only */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
}

/** One JSON line per request: what the HTTP API variables can tell about it. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    userAgent: '$context.identity.userAgent',
  }),
);

/**
 * The API Gateway v2 HTTP API: one route per spec, a `$default` stage with
 * access logs and throttling, and a simple-response Lambda authorizer on every
 * route marked `authorized` (all but /health).
 */
export class TaskfleetHttpApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;
  /** The custom domain, when one is given: its `regionalDomainName` is the DNS target. */
  public readonly domainName?: DomainName;
  private readonly customDomain?: string;

  constructor(scope: Construct, id: string, props: TaskfleetHttpApiProps) {
    super(scope, id);
    // The default stage is created here rather than by HttpApi so it can carry
    // access logging (cdk-nag APIG1) and throttling.
    const corsOrigins = props.corsOrigins ?? [];
    this.api = new HttpApi(this, 'Api', {
      createDefaultStage: false,
      // The stack's name (`Taskfleet-<stage>`): stages side by side are told apart in the console.
      apiName: Stack.of(this).stackName,
      description: 'taskfleet HTTP API',
      ...(corsOrigins.length === 0
        ? {}
        : {
            corsPreflight: {
              allowOrigins: [...corsOrigins],
              allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
              allowHeaders: ['authorization', 'content-type'],
              exposeHeaders: ['retry-after'],
              maxAge: Duration.hours(1),
            },
          }),
    });
    if (props.domain !== undefined) {
      this.customDomain = props.domain.name;
      this.domainName = new DomainName(this, 'Domain', {
        domainName: props.domain.name,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
      });
    }
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.THREE_MONTHS,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
      throttle: {
        rateLimit: props.throttleRateLimit ?? 100,
        burstLimit: props.throttleBurstLimit ?? 200,
      },
      ...(this.domainName === undefined ? {} : { domainMapping: { domainName: this.domainName } }),
    });

    // No identity source, so no API Gateway cache: with one, a request without the header
    // gets API Gateway's own 401 `{"message":"Unauthorized"}`, and a denial its 403
    // `{"message":"Forbidden"}` (an HTTP API has no gateway responses to reshape them).
    // The authorizer sees every request, allows it with its verdict, and each route
    // answers 401/403 in the API's error format (shared/http/http-handler.ts); the
    // authorizer keeps verdicts 300 s itself (shared/services/authorize.ts).
    const authorizer = new HttpLambdaAuthorizer('BearerToken', props.authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    const none = new HttpNoneAuthorizer();

    for (const route of props.routes) {
      const handler = props.handlers.get(route.routeKey);
      if (!handler) throw new Error(`no function for route "${route.routeKey}"`);
      this.addRoute(route, handler, route.authorized ? authorizer : none);
    }
  }

  /** The API's URL: `https://<custom domain>/` when one is given, else the stage's `https://<id>.execute-api.<region>.amazonaws.com/`. */
  get url(): string {
    return this.customDomain === undefined ? this.stage.url : `https://${this.customDomain}/`;
  }

  private addRoute(route: RouteSpec, handler: IFunction, authorizer: IHttpRouteAuthorizer): void {
    const { method, path } = parseRouteKey(route.routeKey);
    const httpRoute = new HttpRoute(this, route.functionName, {
      httpApi: this.api,
      routeKey: HttpRouteKey.with(path, method),
      integration: new PermissionBesideFunction(`${route.functionName}Integration`, handler),
      authorizer,
    });
    if (!route.authorized) {
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${route.routeKey} is public by design (RouteSpec.authorized = false): a liveness probe or the dashboard's static files, which read no data.`,
      });
    }
  }
}

/**
 * A Lambda integration whose invoke permission is made beside the function (in the
 * Compute nested stack) rather than beside the route, with the same source ARN (this
 * API, any stage and method, the route's path). The root template, where CloudFormation's
 * 500 resources bind first, then holds 2 resources per route instead of 3.
 */
class PermissionBesideFunction extends HttpLambdaIntegration {
  constructor(
    id: string,
    private readonly fn: IFunction,
  ) {
    super(id, fn);
  }

  protected override completeBind(options: HttpRouteIntegrationBindOptions): void {
    const route = options.route;
    this.fn.addPermission(`${route.node.id}-ApiPermission`, {
      principal: new ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: Stack.of(this.fn).formatArn({ service: 'execute-api', resource: route.httpApi.apiId, resourceName: `*/*${route.path ?? ''}` }),
    });
  }
}

const METHODS = new Set<string>(Object.values(HttpMethod));

/** `GET /tasks/{id}` → `{ method: GET, path: /tasks/{id} }`; throws on anything else. */
export function parseRouteKey(routeKey: string): { method: HttpMethod; path: string } {
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (!match || !METHODS.has(match[1]!)) {
    throw new Error(`route key "${routeKey}" must be "<METHOD> /<path>"`);
  }
  return { method: match[1] as HttpMethod, path: match[2]! };
}
