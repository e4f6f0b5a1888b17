import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { auditPipeline } from '../../src/cli/audit';
import type { createCustomResourceHandler } from '../../src/handlers/custom-resource';
import { notInLambda } from '../../src/components/component';
import { defaultComponents } from '../../src/sources/registry';
import { PipelineEngine } from '../../src/engine/engine';
import { type Harness, makeHarness, readOnlyContext } from '../lifecycle/harness';
import { ALL_ON, inventory } from '../lifecycle/sources-helpers';

/** Built by `npm run build` (which `npm test` runs first), with inspect and plan left out (SIEM_LAMBDA_BUNDLE). */
const DIST = path.resolve(__dirname, '../../dist');
const BUNDLE = path.join(DIST, 'custom-resource/index.js');

function bundledFactory(): typeof createCustomResourceHandler {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test does)`);
  return (createRequire(__filename)(BUNDLE) as { createCustomResourceHandler: typeof createCustomResourceHandler }).createCustomResourceHandler;
}

/** The audit, run from the sources (the CLI's code, with inspect), of pipeline `props` in the harness's account. */
async function findings(h: Harness, props: Record<string, string>): Promise<unknown[]> {
  const { config, ctx } = readOnlyContext(h, props);
  const report = await auditPipeline(config, ctx, new PipelineEngine(defaultComponents()));
  return report.components.filter((c) => c.result !== 'ok').map((c) => ({ id: c.id, state: c.state, details: c.details }));
}

describe('the built custom resource bundle, without inspect and plan, runs a whole lifecycle', () => {
  it('Create (every source on), Update (settings changed), Delete: each succeeds and the audit finds the pipeline as asked', async () => {
    const h = makeHarness({ createHandler: bundledFactory() });
    h.fake.ec2.seedVpcs(3);
    const updated = { ...ALL_ON, RetentionHours: '48', FlowLogTrafficType: 'REJECT', ExtraEventSources: 'aws.health', AccessKeyRotation: '2' };
    const readerKey = () =>
      (JSON.parse(h.fake.secrets.currentValue(`siem-pipeline/${ALL_ON.PipelineName}/reader-access-key`)!) as { accessKeyId: string }).accessKeyId;

    const created = await h.simulateEvent('Create', ALL_ON);
    expect(created).toMatchObject({ Status: 'SUCCESS' });
    expect(await findings(h, ALL_ON)).toEqual([]);
    const firstKey = readerKey();

    expect(await h.simulateEvent('Update', updated, { id: created.PhysicalResourceId, props: ALL_ON })).toMatchObject({ Status: 'SUCCESS' });
    expect(await findings(h, updated)).toEqual([]);
    // A new AccessKeyRotation value: the secret holds a new key.
    expect(readerKey()).not.toBe(firstKey);

    expect(await h.simulateEvent('Delete', updated, { id: created.PhysicalResourceId })).toMatchObject({ Status: 'SUCCESS' });
    expect(Object.keys(inventory(h.fake)).filter((k) => !k.startsWith('ec2/vpc/'))).toEqual([]);
  });
});

describe('inspect-only code', () => {
  it.each([
    ['custom-resource', false],
    ['vpc-enroller', false],
    ['cli', true],
  ])('is in the %s bundle: %s', (bundle, present) => {
    const text = readFileSync(path.join(DIST, bundle, 'index.js'), 'utf8');
    // Differences and details only inspect reports (the trail's, the trail bucket's, our log group's, the GuardDuty detector's, the event rule's, the SIEM user's).
    for (const difference of [
      'global service events not included',
      'public access not fully blocked',
      'never expires',
      'createdByThisStack',
      'event pattern changed',
      'access key rotation pending',
      // The read-only context (audit): only the CLI builds one.
      'read-only context',
      // SDK commands only inspect sends: the lazy SDK stand-ins (scripts/build/lazy-sdk.mjs) name only what a bundle uses.
      'GetTrailStatusCommand',
      'GetUserPolicyCommand',
    ]) {
      expect(text.includes(difference)).toBe(present);
    }
    // The switch is a build-time constant: no environment variable can turn it on or off at run time.
    expect(text).not.toContain('SIEM_LAMBDA_BUNDLE');
  });

  it('stands in as notInLambda in the Lambda bundles, which throws rather than reporting a status', () => {
    expect(() => notInLambda()).toThrow('inspect, plan and record matching are left out of the Lambda bundles: run them from the CLI');
  });

  it.each(['custom-resource', 'vpc-enroller'])("%s: the stand-in is all that is left of the sources' record matching", (bundle) => {
    const text = readFileSync(path.join(DIST, bundle, 'index.js'), 'utf8');
    expect(text).not.toMatch(/matches:\([a-z]/);
  });
});
