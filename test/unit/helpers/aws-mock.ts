/** Small helpers for aws-sdk-client-mock: the ordered requests a mock received, and SDK-shaped errors. */

/** One recorded call (a sinon spy call). */
export interface RecordedCall {
  args: readonly unknown[];
  calledBefore(other: RecordedCall): boolean;
}

/** The slice of an aws-sdk-client-mock stub these helpers read. */
export interface RecordingMock {
  calls(): readonly RecordedCall[];
}

function describeCall(call: RecordedCall): [string, unknown] {
  const command = call.args[0] as { constructor: { name: string }; input: unknown };
  return [command.constructor.name, command.input];
}

/** Every request a mocked client received, in order, as `[command name, input]`: assert the exact sequence. */
export function sentRequests(mock: RecordingMock): [string, unknown][] {
  return mock.calls().map(describeCall);
}

/** Only the command names, in order. */
export function sentCommands(mock: RecordingMock): string[] {
  return sentRequests(mock).map(([name]) => name);
}

type ModeledError<E extends Error> = new (opts: { message: string; $metadata: Record<string, never> }) => E;

/**
 * A modelled SDK exception as the SDK throws it for a real response. For query-protocol services (IAM) pass
 * the wire code: the SDK names the error after its class (`NoSuchEntityException`) and keeps the code in `Code`.
 */
export function awsError<E extends Error>(Class: ModeledError<E>, message = 'test error', wireCode?: string): E {
  const err = new Class({ message, $metadata: {} });
  return wireCode ? Object.assign(err, { Code: wireCode }) : err;
}

/** The command names several mocked clients received, merged in the order they were sent. */
export function timeline(...mocks: RecordingMock[]): string[] {
  return mocks
    .flatMap((m) => [...m.calls()])
    .sort((a, b) => (a.calledBefore(b) ? -1 : b.calledBefore(a) ? 1 : 0))
    .map((call) => describeCall(call)[0]);
}
