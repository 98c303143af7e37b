import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../../../test/fakes/anthropic/index.js';
import { createAnthropicModelClient } from '../../model/anthropic-model-client.js';
import { appStatusSchema } from '../app-status.js';
import type { RecipeContext } from '../recipe-context.js';
import type { SourceTree } from '../source-tree.js';
import { modelProposalRecipe, PROPOSE_FIX } from './model-proposal.js';

const DEPLOYMENT = 'kind: Deployment\nmetadata: { name: api }\nspec:\n  replicas: 0 # scaled down by mistake\n';
const SECRET = 'kind: Secret\nmetadata: { name: api }\nstringData: { password: hunter2 }\n';

function context(): RecipeContext {
  const files = new Map([
    ['apps/api/deployment.yaml', DEPLOYMENT],
    ['apps/api/secret.yaml', SECRET],
  ]);
  const current: SourceTree = {
    revision: 'a'.repeat(40),
    appPath: 'apps/api',
    files,
    resources: [],
    patches: [],
    images: [],
    overrideFiles: [],
  };
  return { app: { instance: 'argocd-1', name: 'api' }, status: appStatusSchema.parse({ name: 'api' }), current };
}

/** `propose_fix` through the real Anthropic SDK and the fake Messages API: edits checked like a recipe's. */
describe('propose_fix (model recipe)', () => {
  let fake: FakeAnthropic;
  const model = () =>
    createAnthropicModelClient({
      apiKey: 'test-key',
      baseURL: fake.url,
      models: ['claude-test'],
      retriesPerModel: 0,
      minRetryDelayMs: 1,
      timeoutMs: 5_000,
    });
  const diagnosis = { rootCause: 'Deployment api has replicas: 0', skills: ['rollout-stuck'] };
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(async () => fake.close());
  beforeEach(() => fake.setScript([]));

  const edit = (file: string, path: Array<string | number>, value: string | number) => ({
    title: 'api: run two replicas',
    edits: [{ file, document: 0, path, value, why: 'It ran with two replicas before.' }],
  });

  it('applies a structured edit byte-minimally and keeps the comment', async () => {
    fake.enqueue(anthropicSteps.toolUse(PROPOSE_FIX, edit('apps/api/deployment.yaml', ['spec', 'replicas'], 2)));
    const result = await modelProposalRecipe(model(), context(), diagnosis);
    expect(result).toMatchObject({
      kind: 'edits',
      title: 'api: run two replicas',
      edits: [{ file: 'apps/api/deployment.yaml', path: 'spec.replicas', before: '0', after: '2' }],
    });
    if (result?.kind !== 'edits') return;
    expect(result.files[0]?.after).toBe(DEPLOYMENT.replace('replicas: 0', 'replicas: 2'));
    // The source went to the model as untrusted data, with the tool it must answer through.
    const body = JSON.stringify(fake.messageRequests().at(-1)?.body);
    expect(body).toContain('propose_fix');
    expect(body).toContain('scaled down by mistake');
  });

  it.each([
    ['a Secret', edit('apps/api/secret.yaml', ['stringData', 'password'], 'x'), /Secret .*never edited/],
    ['a file outside the source', edit('apps/other/x.yaml', ['spec', 'replicas'], 2), /not in the app's source/],
    ['a mapping, not a scalar', edit('apps/api/deployment.yaml', ['spec'], 2), /not an existing value/],
    ['a path that does not exist', edit('apps/api/deployment.yaml', ['spec', 'paused'], 'true'), /not an existing/],
  ])('refuses an edit of %s and hands it to a person', async (_what, input, reason) => {
    fake.enqueue(anthropicSteps.toolUse(PROPOSE_FIX, input));
    const result = await modelProposalRecipe(model(), context(), diagnosis);
    expect(result?.kind).toBe('handoff');
    expect(result?.kind === 'handoff' ? result.reason : '').toMatch(reason);
  });

  it('proposes nothing when the model answers in text', async () => {
    fake.enqueue(anthropicSteps.text('I cannot find a change in git that fixes this.'));
    expect(await modelProposalRecipe(model(), context(), diagnosis)).toBeUndefined();
  });
});
