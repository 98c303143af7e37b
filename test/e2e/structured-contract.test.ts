import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { investigate } from '../../bot/agent/investigate.js';
import type { ToolGateway } from '../../bot/agent/ports.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { judge } from '../../evaluators/runner/judge.js';
import { openScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { strictBaseline } from '../support/scenario-suite.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';

/**
 * The pipeline reads facts from structured tool results only: with every result's text replaced
 * by noise (structure intact), triage gives the same answer, through the real sandbox, MCP
 * servers and gateway.
 */
let disk: SkillCatalog;

beforeAll(async () => {
  disk = await createSkillCatalog({ roots: [`${repositoryRoot}/skills`] });
});

afterAll(async () => {
  await disk.close();
});

/** The gateway with the text of every result reversed and salted: nothing in it reads as before. */
function scrambled(gateway: ToolGateway): ToolGateway {
  return {
    listTools: () => gateway.listTools(),
    async callTool(name, args, options) {
      const result = await gateway.callTool(name, args, options);
      return { ...result, text: `~${[...result.text].reverse().join('')}~` };
    },
  };
}

async function answerOf(gateway: ToolGateway, question: string, now: number): Promise<Answer> {
  const outcome = await investigate(
    { question },
    {
      gateway,
      catalog: skillCatalogPort(disk),
      recorder: { record: () => Promise.resolve() },
      clock: { now: () => now },
    },
  );
  if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${outcome.kind}`);
  return outcome.answer;
}

/** What triage decided, without timings. */
function decision(answer: Answer) {
  const { summary, rootCause, evidence, confidence, nextSteps, fix, skills, notes } = answer;
  return { summary, rootCause, evidence, confidence, nextSteps, fix, skills, notes };
}

describe('structured tool results are the contract', () => {
  it.each([
    ['argocd-drift', undefined],
    ['kyverno-enforce-blocks-sync', undefined],
    ['bad-service-hostname', undefined],
    ['crash-missing-env', undefined],
    ['missing-storage-class', undefined],
    ['missing-secret', 'what is wrong in prod?'],
  ])('%s: the triage answer does not change when every tool text is scrambled', async (name, vague) => {
    const scenario = await bundledScenario(name);
    const question = vague ?? scenario.question;
    const estate = await openScenarioEstate(scenario);
    const gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
    try {
      // One clock for both runs, so ages in evidence lines (`4m ago`) agree.
      const now = Date.now();
      const plain = await answerOf(gateway, question, now);
      const noisy = await answerOf(scrambled(gateway), question, now);
      // Scrambled texts change nothing the strict judge sees; baseline scenarios still pass it.
      const verdict = judge({ kind: 'answer', answer: plain }, scenario.expect);
      expect(judge({ kind: 'answer', answer: noisy }, scenario.expect).reason).toBe(verdict.reason);
      if (strictBaseline().has(name)) expect(verdict.reason).toBe('ok');
      else expect(verdict.parts.rootCause.found.length).toBeGreaterThan(0);
      expect(decision(noisy)).toEqual(decision(plain));
    } finally {
      await gateway.close();
      await estate.close();
    }
  });
});
