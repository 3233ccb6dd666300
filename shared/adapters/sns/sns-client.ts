import { SNSClient } from '@aws-sdk/client-sns';
import { countCalls } from '../aws-call-counter.js';

/** SNS at AWS_ENDPOINT_URL_SNS (fauxqs locally), else AWS_ENDPOINT_URL, else AWS. */
export function createSnsClient(env: NodeJS.ProcessEnv = process.env): SNSClient {
  const endpoint = env.AWS_ENDPOINT_URL_SNS ?? env.AWS_ENDPOINT_URL;
  const client = new SNSClient({
    ...(env.AWS_REGION !== undefined ? { region: env.AWS_REGION } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
  return countCalls(client, 'SNS');
}
