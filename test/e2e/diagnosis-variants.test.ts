import { describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { runScenario } from '../../evaluators/runner/run-scenario.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { bundledScenario, useStoreAndSkills } from '../support/pipeline.js';

/**
 * Issue 14, blind spots: variants of bundled faults, run through the real sandbox, MCP servers
 * and gateway without a model. Each variant changes only the estate (how the registry answers,
 * what a manifest says), so what the answer says comes from the evidence.
 */
describe('diagnosis of fault variants', () => {
  const suite = useStoreAndSkills();

  async function answerOf(scenario: Scenario): Promise<Answer> {
    const result = await runScenario(scenario, { store: suite.store, catalog: suite.catalog });
    expect(result.error).toBeUndefined();
    return (await suite.store.investigations.get(result.answerId ?? ''))?.answer as Answer;
  }

  async function variant(name: string, change: (scenario: Scenario) => void): Promise<Scenario> {
    const scenario = await bundledScenario(name);
    change(scenario);
    return scenario;
  }

  it(
    'a registry that says "manifest unknown" gets the ' + 'missing-tag case, with the tag that last ran healthy',
    async () => {
      const answer = await answerOf(
        await variant('missing-image-tag', (scenario) => {
          const image = scenario.images.find((candidate) => candidate.repository.endsWith('/checkout'));
          if (image) image.missingTag = 'manifest-unknown';
        }),
      );
      expect(answer.rootCause).toMatch(/manifest unknown/);
      expect(answer.rootCause).toMatch(/1\.8\.3/);
      expect(answer.fix?.description).toMatch(
        /^Tag or image that does not exist: set the tag of \S+checkout back to 1\.8\.2/,
      );
      expect(answer.nextSteps.join(' ')).not.toMatch(/pull secret|imagePullSecrets|rate limit/i);
    },
  );

  it('a private registry refusing the pull gets the pull-secret case, never "set the tag back"', async () => {
    const answer = await answerOf(
      await variant('missing-image-tag', (scenario) => {
        const image = scenario.images.find((candidate) => candidate.repository.endsWith('/checkout'));
        if (!image) return;
        image.tags.push('1.8.3');
        image.pullSecret = 'shop-registry';
      }),
    );
    expect(answer.rootCause).toMatch(/401 Unauthorized/);
    expect(answer.fix?.description).toMatch(/^Missing or wrong pull secret: .*registry\.example\.com\/shop\/checkout/);
    expect(`${answer.fix?.description ?? ''} ${answer.nextSteps.join(' ')}`).not.toMatch(/set the tag .* back/);
  });

  it(
    'an init container whose binary is built for another ' + "architecture: its image, not the app's, is the fix",
    async () => {
      const answer = await answerOf(
        await variant('init-container-missing-file', (scenario) => {
          const image = scenario.images.find((candidate) => candidate.repository.endsWith('/orders-migrate'));
          if (image) image.crashLog = ['exec /app/migrate: exec format error'];
        }),
      );
      expect(answer.rootCause).toMatch(
        /^init container migrate of Deployment shop\/orders logged: exec \/app\/migrate: exec format error/,
      );
      expect(answer.fix?.description).toMatch(
        /^Binary built for another CPU architecture: build and push registry\.example\.com\/shop\/orders-migrate /,
      );
      // The evidence shows the init container's command and the exit code of its last run.
      expect(answer.evidence.map((line) => line.text).join('\n')).toMatch(
        /init container migrate is .*command \/app\/migrate --plan \/etc\/migrate\/migrate\.yaml, last run exit code 1/,
      );
    },
  );

  it('readiness failing because a dependency is down names the dependency, not the probe, as the cause', async () => {
    const answer = await answerOf(
      await variant('service-selector-mismatch', (scenario) => {
        const image = scenario.images.find((candidate) => candidate.repository.endsWith('/storefront'));
        if (image) image.isReadyOnlyWithCalls = true;
        // Its readiness endpoint checks the services it calls.
        for (const commit of scenario.git.commits) {
          const path = 'apps/storefront/prod-eu/deployment.yaml';
          const file = commit.files[path];
          if (file)
            commit.files[path] = file.replace(
              /( +)ports: \[\{ containerPort: 3000 \}\]\n/,
              (line, indent: string) =>
                `${line}${indent}readinessProbe:\n${indent}  httpGet: { path: /ready, port: 3000 }\n`,
            );
        }
        scenario.question = 'storefront pods in prod-eu are not ready. why?';
      }),
    );
    expect(answer.rootCause).toMatch(/^Service shop\/cart\b.*, which .*storefront.* depends on/);
    expect(answer.fix?.description ?? '').not.toMatch(/probe/i);
    // The variant is live: storefront is not ready (without isReadyOnlyWithCalls it is 2/2 ready).
    expect(answer.summary).toMatch(/storefront: 0\/2 ready/);
    // The storefront's own revision says nothing about when cart broke.
    expect(answer.rootCause).not.toMatch(/since revision/);
  });

  it('policy reports across several workloads name every failing resource', async () => {
    const answer = await answerOf(
      await variant('kyverno-audit-report', (scenario) => {
        // payment-gateway loses its team label, so two workloads now fail require-team-label.
        for (const commit of scenario.git.commits) {
          const path = 'apps/payment-gateway/prod-eu/deployment.yaml';
          const file = commit.files[path];
          if (file) commit.files[path] = file.replaceAll(', team: payments }', ' }');
        }
      }),
    );
    for (const resource of ['Deployment payments/fraud-check', 'Deployment payments/payment-gateway']) {
      expect(answer.rootCause).toContain(resource);
      expect(answer.fix?.description).toContain(resource);
    }
  });

  it(
    'a Namespace object named differently from where the ' + 'resources go gets its own case, with both names',
    async () => {
      const answer = await answerOf(
        await variant('sync-failed-namespace-typo', (scenario) => {
          // The last commit sends the resources to billing and creates a Namespace named billing-prod.
          const last = scenario.git.commits.at(-1);
          if (!last) return;
          const path = 'apps/billing/prod-eu/deployment.yaml';
          last.files[path] = (last.files[path] ?? '').replaceAll('namespace: paymnets', 'namespace: billing');
          last.files['apps/billing/prod-eu/namespace.yaml'] =
            'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: billing-prod\n';
        }),
      );
      expect(answer.rootCause).toMatch(/namespaces "billing" not found/);
      expect(answer.fix?.description).toMatch(
        /^Namespace object named differently: billing creates Namespace billing-prod but its resources go to billing/,
      );
      expect(answer.nextSteps.join(' ')).not.toMatch(/^Namespace that does not exist/m);
    },
  );
});
