import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import { countCalls, type CallCounter } from './aws-call-counter.js';

export interface AwsClientOptions {
  readonly region?: string;
  /**
   * Where SQS answers. Always explicit when not AWS itself: the queue URLs an
   * emulator returns name hosts (`sqs.<region>.localhost`) that do not resolve.
   */
  readonly sqsEndpoint?: string;
  readonly dynamoDbEndpoint?: string;
  /** Locally fauxqs answers S3 on its own endpoint (path-style, as *.localhost does not resolve). */
  readonly s3Endpoint?: string;
  /** Locally fauxqs answers SNS on its own endpoint too. */
  readonly snsEndpoint?: string;
  /** Count the clients' calls here (the local runtime's benchmarks); not counted when absent. */
  readonly calls?: CallCounter;
}

/** Endpoints from the environment: the service's own variable, else AWS_ENDPOINT_URL. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsClientOptions {
  const common = env.AWS_ENDPOINT_URL;
  const sqsEndpoint = env.AWS_ENDPOINT_URL_SQS ?? common;
  const dynamoDbEndpoint = env.AWS_ENDPOINT_URL_DYNAMODB ?? common;
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 ?? common;
  const snsEndpoint = env.AWS_ENDPOINT_URL_SNS ?? common;
  return {
    ...(snsEndpoint !== undefined ? { snsEndpoint } : {}),
    ...(s3Endpoint !== undefined ? { s3Endpoint } : {}),
    ...(env.AWS_REGION !== undefined ? { region: env.AWS_REGION } : {}),
    ...(sqsEndpoint !== undefined ? { sqsEndpoint } : {}),
    ...(dynamoDbEndpoint !== undefined ? { dynamoDbEndpoint } : {}),
  };
}

export function createSqsClient(options: AwsClientOptions): SQSClient {
  const client = new SQSClient({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.sqsEndpoint !== undefined ? { endpoint: options.sqsEndpoint } : {}),
  });
  return countCalls(client, 'SQS', options.calls);
}

export function createDocumentClient(options: AwsClientOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.dynamoDbEndpoint !== undefined ? { endpoint: options.dynamoDbEndpoint } : {}),
  });
  countCalls(client, 'DynamoDB', options.calls);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function createS3Client(options: AwsClientOptions): S3Client {
  const client = new S3Client({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.s3Endpoint !== undefined ? { endpoint: options.s3Endpoint, forcePathStyle: true } : {}),
  });
  return countCalls(client, 'S3', options.calls);
}
