import { startFauxqs } from 'fauxqs';

export interface RunningEmulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** fauxqs, in this process, on loopback. Port 0 picks a free one. */
export async function startSqsEmulator(port: number, region: string): Promise<RunningEmulator> {
  const server = await startFauxqs({ port, host: '127.0.0.1', logger: false, defaultRegion: region });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
