import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { CHECK_RESPONSES_ENV } from '../../local/api-server.js';
import { startDynamoDbEmulator } from '../../local/emulators/dynamodb-emulator.js';
import { startSqsEmulator } from '../../local/emulators/sqs-emulator.js';
import { freePort } from '../../local/free-port.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** fauxqs (SQS, S3, SNS) for the whole run, and one DynamoDB Local per worker (VITEST_POOL_ID 1…n picks its own). */
    endpoints: { sqs: string; dynamodb: readonly string[] };
  }
}

/**
 * One fauxqs for the whole run and a DynamoDB Local per worker, on free ports;
 * each test file provisions its own prefixed table and queues in them. Two stacks'
 * stream pollers reading one DynamoDB Local at the same time were answered
 * TrimmedDataAccessException, so files that run side by side do not share one;
 * a worker runs its files one after another. With AWS_ENDPOINT_URL set,
 * LocalStack (or AWS) is used instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const checkResponses = startResponseCheck();
  const external = process.env.AWS_ENDPOINT_URL;
  if (external) {
    project.provide('endpoints', { sqs: external, dynamodb: [external] });
    return checkResponses;
  }
  const workers = Math.max(1, project.globalConfig.maxWorkers);
  const [sqs, ...dynamodbs] = await Promise.all([
    startSqsEmulator(0, 'us-east-1'),
    ...Array.from({ length: workers }, () => freePort().then((port) => startDynamoDbEmulator({ port }))),
  ]);
  project.provide('endpoints', { sqs: sqs.endpoint, dynamodb: dynamodbs.map((d) => d.endpoint) });
  return async () => {
    await Promise.all([sqs.stop(), ...dynamodbs.map((d) => d.stop())]);
    await checkResponses();
  };
}

/**
 * Every answer the suite's local API servers give is checked against the OpenAPI
 * document (local/response-check.ts, turned on by CHECK_RESPONSES_ENV, which the
 * test files' processes inherit); the run fails at the end, listing each answer
 * that did not match its route and status. Skipped when the variable is already
 * set (to '' to turn the check off).
 */
function startResponseCheck(): () => Promise<void> {
  if (process.env[CHECK_RESPONSES_ENV] !== undefined) return async () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'taskfleet-responses-'));
  const file = join(dir, 'mismatches.jsonl');
  process.env[CHECK_RESPONSES_ENV] = file;
  return async () => {
    const mismatches = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
    const checked = existsSync(`${file}.count`) ? readFileSync(`${file}.count`, 'utf8').length : 0;
    rmSync(dir, { recursive: true, force: true });
    delete process.env[CHECK_RESPONSES_ENV];
    console.log(`response check: ${checked} answers checked against docs/openapi.json, ${mismatches.length} mismatched`);
    if (mismatches.length > 0) {
      // One example per route × status, with how often it happened; vitest reports a teardown's
      // error without failing the run, so the exit code is set too.
      const byRoute = new Map<string, { count: number; example: string }>();
      for (const line of mismatches) {
        const { routeKey, status } = JSON.parse(line) as { routeKey: string; status: number };
        const key = `${routeKey} → ${status}`;
        byRoute.set(key, { count: (byRoute.get(key)?.count ?? 0) + 1, example: byRoute.get(key)?.example ?? line });
      }
      const report = [...byRoute].map(([key, { count, example }]) => `${key} (${count}×): ${example.slice(0, 1500)}`).join('\n');
      console.error(`answers that do not match docs/openapi.json (shared/http/responses.ts, api-contract.ts):\n${report}`);
      process.exitCode = 1;
      throw new Error(`${mismatches.length} answers do not match the OpenAPI document`);
    }
  };
}
