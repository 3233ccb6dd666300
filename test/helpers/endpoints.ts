import { inject } from 'vitest';

/**
 * The emulators this test file uses: the run's fauxqs, and its worker's own
 * DynamoDB Local (test/integration/global-setup.ts starts one per worker).
 */
export function testEndpoints(): { readonly sqs: string; readonly dynamodb: string } {
  const { sqs, dynamodb } = inject('endpoints');
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  const mine = dynamodb[(worker - 1) % dynamodb.length];
  if (mine === undefined) throw new Error('global-setup provided no DynamoDB endpoint');
  return { sqs, dynamodb: mine };
}
