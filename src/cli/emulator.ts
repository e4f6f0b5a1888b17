import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ClientFactoryOptions } from '../aws/clients';

/**
 * Client options for the operator command's emulator mode: with `AWS_ENDPOINT_URL` set (LocalStack, moto,
 * kinesalite), every client speaks HTTP/1.1, which emulators need. Only the CLI imports this; the Lambda
 * bundles never carry the handler.
 */
export function emulatorClientOptions(env: Readonly<Record<string, string | undefined>>): Pick<ClientFactoryOptions, 'requestHandler'> {
  return env.AWS_ENDPOINT_URL ? { requestHandler: new NodeHttpHandler() } : {};
}
