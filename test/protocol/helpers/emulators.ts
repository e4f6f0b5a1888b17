import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import kinesalite from 'kinesalite';
import S3rver from 's3rver';
import { createClients, type AwsClients } from '../../../src/aws/clients';
import { http1Handler, instantRetries } from '../../fake/sdk';
import type { SeenRequest } from './sigv4';

/** A wire-protocol emulator listening on 127.0.0.1. */
export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`, for the SDK's endpoint override. */
  endpoint: string;
  stop(): Promise<void>;
}

export const EMULATOR_REGION = 'us-east-1';

/** kinesalite accepts any SigV4 signature; s3rver verifies them against this fixed key pair. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** State transitions in kinesalite take this long (its default is 500 ms each). */
export const KINESALITE_TRANSITION_MS = 20;

/** The project's clients pointed at an emulator: HTTP/1.1 (emulators speak no HTTP/2), path-style S3, instant retries. */
export function emulatorClients(emulator: Pick<RunningEmulator, 'endpoint'>): AwsClients {
  return createClients({
    region: EMULATOR_REGION,
    endpoint: emulator.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    retryStrategy: instantRetries(),
    requestHandler: http1Handler(),
  });
}

/** Starts kinesalite in memory on a free port with short CREATING/UPDATING/DELETING phases. */
export async function startKinesalite(): Promise<RunningEmulator> {
  const server: Server = kinesalite({
    createStreamMs: KINESALITE_TRANSITION_MS,
    deleteStreamMs: KINESALITE_TRANSITION_MS,
    updateStreamMs: KINESALITE_TRANSITION_MS,
    shardLimit: 50,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        // The SDK keeps sockets alive; without this, close() waits for them to time out.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export interface S3rverEmulator extends RunningEmulator {
  /** Method, URL and headers of every request, as received: s3rver itself does not check SigV4 signatures. */
  requests: SeenRequest[];
}

/** Starts s3rver on a free port, storing objects in a fresh temporary directory that stop() removes. */
export async function startS3rver(): Promise<S3rverEmulator> {
  const directory = await mkdtemp(path.join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
  const { port } = await server.run();
  const requests: SeenRequest[] = [];
  server.httpServer?.prependListener('request', (req) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
