import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../bot/package-root.js';
import { startSandbox } from '../start-sandbox.js';
import { loadScenarioByName } from './load-scenario.js';
import { addNoise, seededRandom } from './noise-seed.js';

const directory = join(packageRoot(), 'evaluators', 'scenarios');

describe('noise seeds', () => {
  it('draw the same numbers for the same seed and others for another', () => {
    const first = seededRandom(7);
    const again = seededRandom(7);
    const other = seededRandom(8);
    const a = [first(), first(), first()];
    expect([again(), again(), again()]).toEqual(a);
    expect([other(), other(), other()]).not.toEqual(a);
    for (const value of a) expect(value >= 0 && value < 1).toBe(true);
  });

  it('leave the scenario alone for seed 0 and rewrite it reproducibly otherwise', async () => {
    const scenario = await loadScenarioByName(directory, 'missing-image-tag');
    expect(addNoise(scenario, 0).scenario).toBe(scenario);
    expect(addNoise(scenario, 3)).toEqual(addNoise(scenario, 3));
    const summaries = [1, 2, 3, 4, 5, 6].map((seed) => addNoise(scenario, seed).summary);
    expect(new Set(summaries.map((summary) => JSON.stringify(summary))).size).toBe(6);
    // Across seeds the twin is sometimes healthy and sometimes broken.
    expect(new Set(summaries.map((summary) => summary?.twin.isBroken))).toEqual(new Set([true, false]));
  });

  it('adds Warnings in the namespace, a same-named twin elsewhere and a failing app the sandbox runs', async () => {
    const scenario = await loadScenarioByName(directory, 'missing-image-tag');
    const { scenario: noised, summary } = addNoise(scenario, 2);
    if (!summary) throw new Error('no summary');
    const shopWarnings = noised.noise.events.filter(
      (event) => event.cluster === 'prod-eu' && event.namespace === 'shop' && event.type === 'Warning',
    );
    expect(shopWarnings.length).toBeGreaterThan(
      scenario.noise.events.filter((event) => event.namespace === 'shop' && event.cluster === 'prod-eu').length,
    );
    // Older events: days-old warnings on the app's own long-gone pods.
    expect(
      shopWarnings.some((event) => event.involvedObject.name.startsWith('checkout-') && event.lastSeen.endsWith('d')),
    ).toBe(true);
    const sandbox = await startSandbox({ scenario: noised });
    try {
      const health = async (instance: string, name: string) =>
        (await sandbox.argocdInstances.get(instance)?.application(name, true))?.status?.health?.status;
      expect(await health(summary.twin.instance, 'checkout')).toBe(summary.twin.isBroken ? 'Degraded' : 'Healthy');
      expect(await health(summary.failingApp.instance, summary.failingApp.name)).toBe('Degraded');
      expect(await health('argocd-eu-1', 'checkout')).toBe('Degraded');
    } finally {
      await sandbox.close();
    }
  });
});
