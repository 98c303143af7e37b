import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile, ScenarioError } from './load-scenario.js';

const VALID = `name: tiny
summary: a tiny scenario
question: is tiny ok?
clusters:
  - name: c1
    namespaces: [apps]
argocd:
  - name: a1
    apps:
      - name: web
        path: apps/web
        destination: { cluster: c1, namespace: apps }
git:
  commits:
    - message: web
      author: Dev <dev@example.com>
      date: -1h
      files:
        apps/web/cm.yaml: |
          apiVersion: v1
          kind: ConfigMap
          metadata: { name: web }
          data: { mode: broken }
expect:
  app: { instance: a1, name: web }
  rootCause: [broken]
  skill: argocd-drift
  fix:
    message: fix
    edits:
      - { path: apps/web/cm.yaml, find: "mode: broken", replace: "mode: fixed" }
`;

describe('loadScenarioFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sre-bot-scenario-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('loads a valid file with defaults filled in', async () => {
    const scenario = await loadScenarioFile(await write('tiny.yaml', VALID));
    expect(scenario.argocd[0]?.apps[0]).toMatchObject({ project: 'default', targetRevision: 'HEAD' });
    expect(scenario.expect.healthyAfterFix).toBe(false);
  });

  it('reads an older object-valued fix as the heal, and fix facts, notInFix and heal side by side', async () => {
    const legacy = await loadScenarioFile(await write('legacy.yaml', VALID));
    expect(legacy.expect.heal?.message).toBe('fix');
    expect(legacy.expect.fix).toEqual([]);
    const current = await loadScenarioFile(
      await write(
        'current.yaml',
        VALID.replace(
          '  fix:\n    message: fix',
          "  fix: ['mode: fixed']\n  notInFix: [restart]\n  heal:\n    message: heal",
        ),
      ),
    );
    expect(current.expect).toMatchObject({ fix: ['mode: fixed'], notInFix: ['restart'], heal: { message: 'heal' } });
  });

  it('reports schema errors with file, line and path', async () => {
    const file = await write(
      'bad.yaml',
      VALID.replace('skill: argocd-drift', 'skill: Not_A_Skill').replace('date: -1h', 'date: yesterday'),
    );
    const error = await loadScenarioFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScenarioError);
    const problems = (error as ScenarioError).problems;
    expect(problems).toContainEqual(expect.stringMatching(/bad\.yaml:\d+: expect\.skill: /));
    expect(problems).toContainEqual(
      expect.stringMatching(/bad\.yaml:\d+: git\.commits\[0\]\.date: must be an RFC 3339 date or a relative offset/),
    );
  });

  it('reports broken references and fixes that no longer apply', async () => {
    const file = await write(
      'refs.yaml',
      VALID.replace('cluster: c1, namespace', 'cluster: c9, namespace').replace(
        'find: "mode: broken"',
        'find: "mode: other"',
      ),
    );
    const error = (await loadScenarioFile(file).catch((caught: unknown) => caught)) as ScenarioError;
    expect(error.problems).toEqual([
      `${file}: argocd.a1.apps.web.destination.cluster: unknown cluster 'c9'`,
      `${file}: expect.heal.edits[0].find: text not found in apps/web/cm.yaml at the last commit`,
    ]);
  });

  it('reports YAML syntax errors with a line number', async () => {
    const error = (await loadScenarioFile(await write('syntax.yaml', 'name: [unclosed\n')).catch(
      (caught: unknown) => caught,
    )) as ScenarioError;
    expect(error.problems[0]).toMatch(/syntax\.yaml:\d+: /);
  });
});
