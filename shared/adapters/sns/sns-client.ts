import { SNSClient } from '@aws-sdk/client-sns';
import type { AwsClientOptions } from '../aws-clients.js';
import { countCalls } from '../aws-call-counter.js';

/** SNS at the configured endpoint (fauxqs locally), else AWS. */
export function createSnsClient(options: AwsClientOptions): SNSClient {
  const client = new SNSClient({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.snsEndpoint !== undefined ? { endpoint: options.snsEndpoint } : {}),
  });
  return countCalls(client, 'SNS', options.calls);
}
