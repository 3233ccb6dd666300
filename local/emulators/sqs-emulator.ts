import { buildApp } from 'fauxqs';

export interface RunningEmulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * fauxqs (SQS, SNS and S3), in this process, listening on 127.0.0.1 only. Its
 * `startFauxqs` listens on 0.0.0.0 whatever `host` says (that option only names
 * the host in queue URLs), so the app is built and bound here. Port 0 picks a free one.
 */
export async function startSqsEmulator(port: number, region: string): Promise<RunningEmulator> {
  const app = buildApp({ logger: false, host: '127.0.0.1', defaultRegion: region });
  const address = await app.listen({ port, host: '127.0.0.1' });
  return { endpoint: `http://127.0.0.1:${new URL(address).port}`, stop: () => app.close() };
}
