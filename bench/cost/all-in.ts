/**
 * The all-in cost of a task (issue #27): besides DynamoDB and SQS (tally.ts) and
 * the events pipeline (events-cost.ts), what a deployed stack bills per call —
 * API Gateway requests, Lambda requests and GB-seconds (each invocation the local
 * runtime made, timed, at the memory the stack deploys it with), CloudWatch Logs
 * ingestion (the log lines the handlers wrote, counted, plus Lambda's own
 * START/END/REPORT lines per invocation), and S3 requests and storage for large
 * values — and the fixed monthly part, counted from the topology.
 */
import type { CallCounter, ObservedCall } from '../../shared/adapters/aws-call-counter.js';
import { customMetricCount, operatorAlarmCount, SCHEDULED_FUNCTIONS } from '../../shared/topology/alarms.js';
import { API_FUNCTION_MEMORY_MB, functionMemoryMb } from '../../shared/topology/memory.js';
import type { Topology } from '../../shared/topology/topology.js';
import type { Invocation } from '../../local/invocations.js';

/** us-east-1 list prices (arm64 Lambda, HTTP API, standard log class), as of the date printed with them. */
export const ALL_IN_PRICES = {
  asOf: '2026-11 (aws.amazon.com/api-gateway/pricing, /lambda/pricing, /cloudwatch/pricing, /s3/pricing, /kms/pricing)',
  apiRequest: 1.0 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  logIngestGb: 0.5,
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  s3GbMonth: 0.023,
  kmsKeyMonth: 1,
  alarmMonth: 0.1,
  dashboardMonth: 3,
  metricMonth: 0.3,
} as const;

/**
 * Lambda's own lines per invocation (START ≈ 90 B, END ≈ 60 B, REPORT ≈ 180 B
 * with the cold-start part left out), written whatever the handler logs.
 */
export const PLATFORM_LOG_BYTES = 330;
/** KMS keys the stack creates: the events topics' key (infra/constructs/events-pipeline.ts). */
export const KMS_KEYS = 1;
/** A scheduled function's run when there is nothing to do, for the fixed part (modelled, not measured here). */
const SCHEDULED_RUN_MS = 100;
const MINUTES_PER_MONTH = 730 * 60;

/** What of a local stack the meter listens to (LocalStack has both). */
export interface MeteredStack {
  readonly calls: CallCounter;
  observeInvocations(observer: (invocation: Invocation) => void): () => void;
}

/** What the deployed stack would bill per call, counted while a scenario (or an idle window) runs. */
export class AllInMeter {
  readonly invocations: Invocation[] = [];
  apiRequests = 0;
  logBytes = 0;
  s3Puts = 0;
  s3Gets = 0;
  s3PutBytes = 0;
  private readonly stops: (() => void)[];

  /** Meters the stack's invocations and its clients' calls. */
  constructor(stack: MeteredStack) {
    this.stops = [stack.observeInvocations((i) => this.invoked(i)), stack.calls.observe((call) => this.s3(call)), countLogLines((bytes) => (this.logBytes += bytes))];
  }

  stop(): void {
    for (const stop of this.stops) stop();
  }

  private invoked(invocation: Invocation): void {
    this.invocations.push(invocation);
    // Every invocation but a pool worker's and the authorizer's is one API Gateway request.
    if (invocation.functionName !== 'Authorizer' && !invocation.functionName.startsWith('worker-')) this.apiRequests++;
  }

  private s3(call: ObservedCall): void {
    if (call.label !== 'S3') return;
    if (call.command === 'PutObjectCommand') {
      this.s3Puts++;
      const body = (call.input as { Body?: unknown } | undefined)?.Body;
      this.s3PutBytes += typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.byteLength : 0;
    } else if (call.command === 'GetObjectCommand' || call.command === 'HeadObjectCommand') this.s3Gets++;
    else this.s3Puts++; // DELETE is free on AWS, but LIST/COPY are PUT-priced: count the rest as PUTs (an upper bound).
  }
}

/**
 * Counts the bytes of the JSON log lines (Powertools Logger's) written to stdout
 * and stderr while it is on; the bench's own progress output is not JSON.
 */
function countLogLines(add: (bytes: number) => void): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write.bind(s));
  streams.forEach((stream, i) => {
    const original = originals[i] as typeof stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : '';
      if (text.startsWith('{"level"') || text.startsWith('{"cold_start"') || text.startsWith('{"timestamp"')) add(Buffer.byteLength(text));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  return () => streams.forEach((stream, i) => void (stream.write = originals[i] as typeof stream.write));
}

/** One scenario's all-in figures, per task, and $ per million tasks by service. */
export interface AllInFigures {
  readonly apiRequestsPerTask: number;
  readonly invocationsPerTask: number;
  readonly gbSecondsPerTask: number;
  /** Each function's invocations per task and mean ms, largest GB-s first: where the Lambda bill goes. */
  readonly byFunction: readonly { readonly name: string; readonly perTask: number; readonly meanMs: number }[];
  readonly logBytesPerTask: number;
  readonly s3PerTask: number;
  readonly dollars: {
    readonly dynamoSqs: number;
    readonly events: number;
    readonly apiGateway: number;
    readonly lambda: number;
    readonly logs: number;
    readonly s3: number;
    readonly total: number;
  };
}

/** Lambda bills each invocation's duration rounded up to the millisecond, at its memory. */
export const gbSeconds = (invocations: readonly Invocation[]): number =>
  invocations.reduce((sum, i) => sum + (Math.ceil(i.ms) / 1000) * (functionMemoryMb(i.functionName) / 1024), 0);

/**
 * `dynamoSqs`: the task table's $ per million (tally.ts); `events`: the stream
 * consumer's Lambda and SNS (events-cost.ts, its writes are in `dynamoSqs`
 * already); `consumerInvocationsPerTask`: its invocations, for their log lines.
 */
export function allInCost(tasks: number, meter: AllInMeter, dynamoSqs: number, events: number, consumerInvocationsPerTask: number): AllInFigures {
  const per = (n: number): number => n / tasks;
  const gbs = gbSeconds(meter.invocations);
  const invocations = meter.invocations.length;
  const logBytes = meter.logBytes + (invocations + consumerInvocationsPerTask * tasks) * PLATFORM_LOG_BYTES;
  const names = [...new Set(meter.invocations.map((i) => i.functionName))];
  const byFunction = names
    .map((name) => {
      const mine = meter.invocations.filter((i) => i.functionName === name);
      return { name, perTask: per(mine.length), meanMs: mine.reduce((s, i) => s + i.ms, 0) / mine.length };
    })
    .sort((a, b) => b.perTask * b.meanMs * functionMemoryMb(b.name) - a.perTask * a.meanMs * functionMemoryMb(a.name));
  const million = (perTask: number): number => perTask * 1e6;
  const apiGateway = million(per(meter.apiRequests) * ALL_IN_PRICES.apiRequest);
  const lambda = million(per(invocations) * ALL_IN_PRICES.lambdaRequest + per(gbs) * ALL_IN_PRICES.lambdaGbSecond);
  const logs = million((per(logBytes) / 1024 ** 3) * ALL_IN_PRICES.logIngestGb);
  const s3 = million(
    per(meter.s3Puts) * ALL_IN_PRICES.s3Put + per(meter.s3Gets) * ALL_IN_PRICES.s3Get + (per(meter.s3PutBytes) / 1024 ** 3) * ALL_IN_PRICES.s3GbMonth,
  );
  return {
    apiRequestsPerTask: per(meter.apiRequests),
    invocationsPerTask: per(invocations),
    gbSecondsPerTask: per(gbs),
    byFunction,
    logBytesPerTask: per(logBytes),
    s3PerTask: per(meter.s3Puts + meter.s3Gets),
    dollars: { dynamoSqs, events, apiGateway, lambda, logs, s3, total: dynamoSqs + events + apiGateway + lambda + logs + s3 },
  };
}

/** The stack's fixed monthly part, counted from the topology: what it costs with no task at all. */
export function fixedMonthly(topology: Topology): { readonly lines: readonly string[]; readonly dollars: number } {
  const alarms = operatorAlarmCount(topology);
  const metrics = customMetricCount(topology);
  const scheduledRuns = SCHEDULED_FUNCTIONS.length * MINUTES_PER_MONTH;
  const scheduled =
    scheduledRuns * (ALL_IN_PRICES.lambdaRequest + (SCHEDULED_RUN_MS / 1000) * (API_FUNCTION_MEMORY_MB / 1024) * ALL_IN_PRICES.lambdaGbSecond) +
    ((scheduledRuns * PLATFORM_LOG_BYTES) / 1024 ** 3) * ALL_IN_PRICES.logIngestGb;
  const parts: [string, number][] = [
    [`${alarms} alarms × $${ALL_IN_PRICES.alarmMonth}`, alarms * ALL_IN_PRICES.alarmMonth],
    [`one dashboard`, ALL_IN_PRICES.dashboardMonth],
    [`${metrics} custom metrics × $${ALL_IN_PRICES.metricMonth} (at most: billed once emitted)`, metrics * ALL_IN_PRICES.metricMonth],
    [`${KMS_KEYS} KMS key × $${ALL_IN_PRICES.kmsKeyMonth}`, KMS_KEYS * ALL_IN_PRICES.kmsKeyMonth],
    [`${SCHEDULED_FUNCTIONS.join(' + ')} each minute (${(scheduledRuns / 1000).toFixed(1)} k runs at ~${SCHEDULED_RUN_MS} ms)`, scheduled],
  ];
  return { lines: parts.map(([what, d]) => `${what}: $${d.toFixed(2)}`), dollars: parts.reduce((s, [, d]) => s + d, 0) };
}
