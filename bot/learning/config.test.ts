import { describe, expect, it } from 'vitest';
import { loadLearningConfig } from './config.js';

describe('loadLearningConfig', () => {
  it('is off without SKILLS_REPOSITORY and fills the defaults', () => {
    expect(loadLearningConfig({})).toMatchObject({
      SKILLS_GIT_PROVIDER: 'github',
      SKILLS_REPOSITORY_BRANCH: 'main',
      SKILLS_REPOSITORY_SCENARIOS_PATH: 'evaluators/scenarios/regressions',
      SKILLS_MERGE_CHECK_SECONDS: 60,
    });
  });

  it('reports every bad variable at once, naming each', () => {
    expect(() =>
      loadLearningConfig({ SKILLS_REPOSITORY: 'platform/skills', SKILLS_GIT_PROVIDER: 'bitbucket' }),
    ).toThrow(
      /SKILLS_GIT_PROVIDER .*SKILLS_GIT_TOKEN is required when SKILLS_REPOSITORY is set|SKILLS_GIT_TOKEN.*SKILLS_GIT_PROVIDER/,
    );
  });
});
