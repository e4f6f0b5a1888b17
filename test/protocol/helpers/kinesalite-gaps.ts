import type { ClientFactoryOptions, DecoratableClient } from '../../../src/aws/clients';

/** One Kinesis command as the component sent it. */
export interface SentCommand {
  command: string;
  input: Record<string, unknown>;
}

/** Records the Kinesis calls and fills kinesalite's gaps; see `kinesaliteGaps`. */
export interface KinesaliteBridge {
  decorate: NonNullable<ClientFactoryOptions['decorate']>;
  /** Every Kinesis command sent, in order. */
  calls: SentCommand[];
  /** Commands answered here instead of by kinesalite. */
  bridged: string[];
  /** Commands that change the stream (everything but Describe*, List*), in order. */
  writes(): SentCommand[];
}

type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown>; response: unknown }>;
type Middleware = (next: Handler, context: { commandName?: string }) => Handler;
type AddMiddleware = (mw: Middleware, opts: { step: 'initialize'; name: string }) => void;

/**
 * An SDK middleware for the Kinesis client that records every call and fills the gaps of kinesalite 3.3.3,
 * which predates three things the stream component relies on:
 * - CreateStream's `Tags` are ignored (and AddTagsToStream rejects ':' in values, so a stack ARN cannot be a tag):
 *   the tags given at create are kept here and returned by ListTagsForStream, after kinesalite has answered it
 *   (so a missing stream is still kinesalite's ResourceNotFoundException);
 * - StartStreamEncryption does not exist: it is answered here and DescribeStreamSummary reports KMS afterwards;
 * - DeleteStream forgets both.
 * Everything else goes over the wire unchanged.
 */
export function kinesaliteGaps(): KinesaliteBridge {
  const calls: SentCommand[] = [];
  const bridged: string[] = [];
  const tags = new Map<string, Record<string, string>>();
  const encryption = new Map<string, string>();

  const middleware: Middleware = (next, context) => async (args) => {
    const command = (context.commandName ?? '').replace(/Command$/, '');
    const input = args.input;
    const stream = String(input.StreamName ?? '');
    calls.push({ command, input: { ...input } });
    switch (command) {
      case 'StartStreamEncryption':
        bridged.push(command);
        encryption.set(stream, String(input.KeyId));
        return { output: { $metadata: {} }, response: {} };
      case 'CreateStream': {
        const result = await next(args);
        if (input.Tags) tags.set(stream, { ...(input.Tags as Record<string, string>) });
        return result;
      }
      case 'ListTagsForStream': {
        const result = await next(args);
        const kept = tags.get(stream);
        if (kept) {
          bridged.push(command);
          result.output = { ...result.output, Tags: Object.entries(kept).map(([Key, Value]) => ({ Key, Value })), HasMoreTags: false };
        }
        return result;
      }
      case 'DescribeStreamSummary': {
        const result = await next(args);
        const keyId = encryption.get(stream);
        const summary = result.output.StreamDescriptionSummary as Record<string, unknown> | undefined;
        if (keyId && summary) result.output = { ...result.output, StreamDescriptionSummary: { ...summary, EncryptionType: 'KMS', KeyId: keyId } };
        return result;
      }
      case 'DeleteStream': {
        const result = await next(args);
        tags.delete(stream);
        encryption.delete(stream);
        return result;
      }
      default:
        return next(args);
    }
  };

  return {
    calls,
    bridged,
    writes: () => calls.filter((c) => !/^(Describe|List)/.test(c.command)),
    decorate: (client: DecoratableClient, service) => {
      if (service !== 'kinesis') return;
      (client.middlewareStack.add as unknown as AddMiddleware)(middleware, { step: 'initialize', name: 'kinesaliteGaps' });
    },
  };
}
