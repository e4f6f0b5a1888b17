import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { EventBridgeEvent } from 'aws-lambda';

/** Built by `npm run build` (which `npm test` runs first). */
const BUNDLE = path.resolve(__dirname, '../../dist/vpc-enroller/index.js');

type Handler = (event: EventBridgeEvent<string, unknown>) => Promise<unknown>;

const scheduleEvent: EventBridgeEvent<string, unknown> = {
  version: '0',
  id: 'sched-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-05-01T12:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {},
};

function loadBundle(): { handler: Handler } {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test does)`);
  return createRequire(__filename)(BUNDLE) as { handler: Handler };
}

describe('bundled VPC enroller (dist/vpc-enroller/index.js)', () => {
  it('exports a handler function', () => {
    expect(typeof loadBundle().handler).toBe('function');
  });

  it('reads its configuration from the environment and rejects a bad value, naming it, before any AWS call', async () => {
    const env = { PipelineName: 'demo', FlowLogTrafficType: 'SOME', STACK_ID: undefined, PERMISSIONS_BOUNDARY_ARN: undefined };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const logged: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    try {
      await expect(loadBundle().handler(scheduleEvent)).rejects.toThrow(
        "environment variable FlowLogTrafficType 'SOME' is not allowed; allowed values: ALL, ACCEPT, REJECT",
      );
    } finally {
      write.mockRestore();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const lines = logged
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'enrollment failed', eventId: 'sched-1' }));
  });
});
