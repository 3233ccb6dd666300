/**
 * What one idle agent costs a month (issue #27): an SDK Worker with its
 * defaults, registered and waiting with nothing to do, metered over a measured
 * window once it has settled, and scaled to a month. Every figure is counted:
 * API requests and Lambda invocations (with their durations, at the deployed
 * memory), log bytes, read units from the calls, write units from the stream.
 */
import { Worker } from '../../sdk/index.js';
import { AllInMeter, ALL_IN_PRICES, gbSeconds, PLATFORM_LOG_BYTES, type MeteredStack } from './all-in.js';
import { CallMeter } from './meter.js';
import type { TableStream } from './stream.js';
import { PRICES, tally } from './tally.js';

const SECONDS_PER_MONTH = 730 * 3600;

export interface IdleAgentFigures {
  readonly windowSeconds: number;
  readonly apiRequests: number;
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly logBytes: number;
  /** $ per month, by service, scaled from the window. */
  readonly monthly: { readonly apiGateway: number; readonly lambda: number; readonly dynamodb: number; readonly logs: number; readonly total: number };
  readonly calls: string;
}

/** The SDK Worker's `idleAfterSeconds` default, and a margin: the window starts once the agent has settled into idle polls. */
const SETTLE_SECONDS = 60 + 5;

export async function measureIdleAgent(stack: MeteredStack & { readonly apiUrl: string }, token: string, stream: TableStream, windowSeconds: number, settleSeconds = SETTLE_SECONDS): Promise<IdleAgentFigures> {
  let registered!: () => void;
  const ready = new Promise<void>((resolve) => (registered = resolve));
  const worker = new Worker({
    url: stack.apiUrl,
    token,
    capabilities: ['shell'],
    handleSignals: false,
    handlers: { echo: async (payload) => payload },
    log: (event) => { if (event.kind === 'registered') registered(); },
  });
  const running = worker.run();
  await ready;
  await sleep(settleSeconds * 1000);
  await stream.drain();
  const calls = new CallMeter(stack.calls);
  const meter = new AllInMeter(stack);
  const started = performance.now();
  await sleep(windowSeconds * 1000);
  const records = await stream.drain();
  const elapsed = (performance.now() - started) / 1000;
  meter.stop();
  calls.stop();
  await worker.stop();
  await running;
  const f = tally(1, records, calls);
  const gbs = gbSeconds(meter.invocations);
  const logBytes = meter.logBytes + meter.invocations.length * PLATFORM_LOG_BYTES;
  const month = SECONDS_PER_MONTH / elapsed;
  const apiGateway = meter.apiRequests * ALL_IN_PRICES.apiRequest * month;
  const lambda = (meter.invocations.length * ALL_IN_PRICES.lambdaRequest + gbs * ALL_IN_PRICES.lambdaGbSecond) * month;
  const dynamodb = (f.writeUnits * PRICES.writeRequestUnit + f.readUnits * PRICES.readRequestUnit) * month;
  const logs = (logBytes / 1024 ** 3) * ALL_IN_PRICES.logIngestGb * month;
  return {
    windowSeconds: elapsed,
    apiRequests: meter.apiRequests,
    invocations: meter.invocations.length,
    gbSeconds: gbs,
    readUnits: f.readUnits,
    writeUnits: f.writeUnits,
    logBytes,
    monthly: { apiGateway, lambda, dynamodb, logs, total: apiGateway + lambda + dynamodb + logs },
    calls: [...f.calls].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ${c}`).join(', '),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
