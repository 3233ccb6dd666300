/**
 * `npm start`: the whole taskfleet stack on this machine. Starts fauxqs and
 * DynamoDB Local (or uses AWS_ENDPOINT_URL), provisions the stack's queues and
 * table, serves the HTTP API, submits one sample task, and stops cleanly on
 * Ctrl-C / SIGTERM.
 *
 * Tasks, tokens and agents are kept across restarts in .localdata/ (DynamoDB
 * Local's files); the tasks the in-memory queues lost are sent again at start.
 *
 *   npm start [-- --fresh] [-- --quiet]
 *   --fresh   start empty: forget everything earlier runs kept
 *   --quiet   no log line per request
 *
 * Environment: PORT (3000), TASKFLEET_TOKEN (generated), TASKFLEET_TENANT (local),
 * SQS_PORT (4566), DYNAMODB_PORT (8000), TASKFLEET_DATA_DIR (.localdata),
 * AWS_ENDPOINT_URL (start no emulators), AWS_REGION (us-east-1).
 */
import { parseArgs } from 'node:util';
import { JavaMissingError } from './emulators/dynamodb-emulator.js';
import { rememberConnection } from './connection-file.js';
import { AlreadyRunningError, LOCAL_DATA_DIR, wipeLocalData } from './local-data.js';
import { startLocalStack, type LocalStack } from './runtime.js';
import { isTenantName, TENANT_RULE } from '../shared/domain/tenant.js';

/** The program: its state (the stack, whether it is stopping) lives in this call, not in the module. */
async function main(): Promise<void> {
  const env = process.env;
  const { values: flags } = parseArgs({ options: { fresh: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } } });
  const tenant = env.TASKFLEET_TENANT ?? 'local';
  if (!isTenantName(tenant)) {
    console.error(`TASKFLEET_TENANT "${tenant}" is not a tenant name: use ${TENANT_RULE}.`);
    process.exit(2);
  }
  if (flags.fresh) {
    wipeLocalData();
    console.log(`--fresh: starting empty (removed the kept data in ${LOCAL_DATA_DIR})`);
  }
  const port = (name: string, fallback: number): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0 || value > 65_535) {
      console.error(`${name} must be a port number, got "${env[name]}"`);
      process.exit(2);
    }
    return value;
  };

  let stack: LocalStack | undefined;
  let stopping = false;
  let forgetConnection = (): void => undefined;

  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping taskfleet…`);
    forgetConnection();
    await stack?.stop();
    console.log('stopped.');
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    stack = await startLocalStack({
      port: port('PORT', 3000),
      sqsPort: port('SQS_PORT', 4566),
      dynamoDbPort: port('DYNAMODB_PORT', 8000),
      ...(env.AWS_ENDPOINT_URL ? { endpoints: { sqs: env.AWS_ENDPOINT_URL, dynamodb: env.AWS_ENDPOINT_URL } } : {}),
      region: env.AWS_REGION ?? 'us-east-1',
      prefix: 'taskfleet-',
      ...(env.TASKFLEET_TOKEN ? { token: env.TASKFLEET_TOKEN } : {}),
      tenant,
      schedule: true,
      workers: true,
      // Kept across restarts, unless the tables live elsewhere (AWS_ENDPOINT_URL).
      ...(env.AWS_ENDPOINT_URL ? {} : { dataDir: LOCAL_DATA_DIR }),
      requestLog: !flags.quiet,
    });
  } catch (error) {
    if (error instanceof JavaMissingError || error instanceof AlreadyRunningError) {
      console.error(error.message);
      process.exit(1);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      console.error(`A port is already in use (${(error as Error).message}). Set PORT, SQS_PORT or DYNAMODB_PORT, or stop the other process.`);
      process.exit(1);
    }
    throw error;
  }

  if (stopping) process.exit(0);
  const { apiUrl, token } = stack;
  forgetConnection = rememberConnection(apiUrl, token);
  const auth = `-H "Authorization: Bearer ${token}"`;
  console.log(`
taskfleet is running locally
  API       ${apiUrl}
  dashboard ${apiUrl}/ui#token=${encodeURIComponent(token)}
  token     ${token}${env.TASKFLEET_TOKEN ? '' : '   (set TASKFLEET_TOKEN to choose your own)'}
  backend   ${stack.backend}
  data      ${env.AWS_ENDPOINT_URL ? 'at the endpoint' : `${LOCAL_DATA_DIR} (kept across restarts; npm start -- --fresh starts empty)`}
  table     ${stack.tableName}
  queues    ${Object.keys(stack.queues.queueUrls).length} work queues (Lambda pools), ${Object.keys(stack.queues.dlqUrls).length} DLQs (every pool)
  events    ${stack.events?.topicArn ?? 'off'}   (follow them: npx taskfleet events --follow)

Try it:
  curl -s -X POST ${apiUrl}/tasks ${auth} -H 'content-type: application/json' \\
       -d '{"type":"echo","payload":{"hello":"world"},"priority":"high"}'
  curl -s ${apiUrl}/tasks/<id> ${auth}
  curl -s "${apiUrl}/tasks?status=PENDING" ${auth}

See it work:  npm run demo     (another terminal; finds this stack by itself)
Be an agent:  npx taskfleet work --capabilities shell -- sh -c 'cat'
              npx taskfleet submit anything --requires shell --payload '{"n":1}' --wait
Press Ctrl-C to stop.
`);

  // Show it working: one sample task through the real HTTP path.
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const submitted = await fetch(`${apiUrl}/tasks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ type: 'echo', payload: { hello: 'taskfleet' }, idempotencyKey: `npm-start-sample-${Date.now()}` }),
  });
  const sample = (await submitted.json()) as { id?: string };
  console.log(`sample task: POST /tasks → ${submitted.status} ${JSON.stringify(sample)}`);
  if (sample.id !== undefined) {
    // The pool's worker picks it up within a moment; show where it got to.
    let task: { status?: string; result?: unknown } = {};
    for (let i = 0; i < 20 && !['COMPLETED', 'FAILED'].includes(task.status ?? ''); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      task = (await (await fetch(`${apiUrl}/tasks/${sample.id}`, { headers })).json()) as typeof task;
    }
    console.log(`             GET /tasks/${sample.id} → ${task.status} ${JSON.stringify(task.result ?? null)}`);
  }
}

await main();
