import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRepo } from '../../../evaluators/sandbox/git/git-repo.js';
import { startFakeGithub, type FakeGithub } from '../../../evaluators/sandbox/git-host/fake-github.js';
import { checkPostmortemsConfig } from '../../rca/config.js';
import { postmortemsCheck } from './postmortems-check.js';

describe('postmortems configuration and its doctor line (fake GitHub over a bare repository)', () => {
  let github: FakeGithub;
  let dir: string;
  let fixEnv: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'postmortems-check-'));
    const repo = await createGitRepo(join(dir, 'postmortems.git'), [
      { message: 'seed', author: 'Seed <s@example.com>', date: new Date(0), files: { 'README.md': '# PMs\n' } },
    ]);
    github = await startFakeGithub({ repositories: { 'acme/postmortems': repo.path } });
    fixEnv = { FIX_GIT_PROVIDER: 'github', FIX_GIT_API_URL: github.url, FIX_GIT_TOKEN: github.token };
  });
  afterAll(async () => {
    await github?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is off unless RCA_POSTMORTEMS_REPOSITORY is set, even with the fix loop configured', async () => {
    expect(checkPostmortemsConfig(fixEnv)).toEqual({ problems: [] });
    expect(await postmortemsCheck(fixEnv, 5_000)).toMatchObject({
      status: 'skip',
      detail: 'RCA_POSTMORTEMS_REPOSITORY is not set: publishing an RCA exports markdown only',
    });
  });

  it('falls back to FIX_GIT_* and its own variables win over them', () => {
    const { config } = checkPostmortemsConfig({ ...fixEnv, RCA_POSTMORTEMS_REPOSITORY: 'acme/postmortems' });
    expect(config).toMatchObject({
      RCA_GIT_PROVIDER: 'github',
      RCA_GIT_API_URL: github.url,
      RCA_GIT_TOKEN: github.token,
      RCA_POSTMORTEMS_BRANCH: 'main',
      RCA_POSTMORTEMS_DIRECTORY: 'postmortems',
    });
    const own = checkPostmortemsConfig({
      ...fixEnv,
      RCA_POSTMORTEMS_REPOSITORY: 'group/sub/postmortems',
      RCA_GIT_PROVIDER: 'gitlab',
      RCA_GIT_API_URL: 'https://gitlab.example.com',
      RCA_GIT_TOKEN: 'own-token',
      RCA_POSTMORTEMS_DIRECTORY: 'docs/rcas/',
    });
    expect(own.config).toMatchObject({
      RCA_GIT_PROVIDER: 'gitlab',
      RCA_GIT_TOKEN: 'own-token',
      RCA_POSTMORTEMS_DIRECTORY: 'docs/rcas',
    });
  });

  it('names every bad variable at once', () => {
    const { config, problems } = checkPostmortemsConfig({
      RCA_POSTMORTEMS_REPOSITORY: 'not a repository',
      RCA_POSTMORTEMS_DIRECTORY: '/etc',
      RCA_GIT_PROVIDER: 'gitlab',
    });
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      'RCA_POSTMORTEMS_REPOSITORY must be owner/name (group/subgroup/project on GitLab)',
      'RCA_POSTMORTEMS_DIRECTORY must be a relative folder such as postmortems or docs/rcas',
      'RCA_GIT_TOKEN is required (or set FIX_GIT_TOKEN)',
      'RCA_GIT_API_URL is required with a gitlab provider (or set FIX_GIT_API_URL to the instance URL)',
    ]);
  });

  it('reads the base branch head when on; a refused token or a missing repository is red with a fix', async () => {
    const on = { ...fixEnv, RCA_POSTMORTEMS_REPOSITORY: 'acme/postmortems' };
    const ok = await postmortemsCheck(on, 5_000);
    expect(ok.status).toBe('ok');
    expect(ok.detail).toMatch(
      /^github: acme\/postmortems main is at [0-9a-f]{7}; published RCAs open pull requests into postmortems\/$/,
    );
    const refused = await postmortemsCheck({ ...on, RCA_GIT_TOKEN: 'revoked' }, 5_000);
    expect(refused).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^Replace RCA_GIT_TOKEN/) });
    const missing = await postmortemsCheck({ ...on, RCA_POSTMORTEMS_REPOSITORY: 'acme/elsewhere' }, 5_000);
    expect(missing).toMatchObject({
      status: 'fail',
      detail: 'acme/elsewhere (branch main) is not visible with this token',
    });
    const bad = await postmortemsCheck({ ...on, RCA_GIT_PROVIDER: 'bitbucket' }, 5_000);
    expect(bad).toMatchObject({ status: 'fail', detail: expect.stringContaining('RCA_GIT_PROVIDER must be github') });
  });
});
