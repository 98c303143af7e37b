import { randomBytes } from 'node:crypto';
import { sha256Hex, type ApprovalChecker } from '../../mcp-servers/gateway/index.js';
import { startFakeGithub, type FakeGithub } from '../sandbox/git-host/fake-github.js';
import type { Scenario } from '../sandbox/scenario/scenario-schema.js';
import { startSandbox, type RunningSandbox } from '../sandbox/start-sandbox.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../sandbox/with-gateway.js';

/** The repository the sandbox's Argo CD apps point at, as the fake Git host serves it. */
export const SANDBOX_REPOSITORY = 'platform/gitops';

/**
 * A scenario's estate ready for the fix loop: the sandbox, a gateway whose MCP servers offer
 * writes behind `approvalChecker`, a writer caller (`writerToken`) beside the read-only one,
 * and a fake GitHub over the sandbox's bare repository, so a merged pull request moves `main`
 * and Argo CD picks it up. What `bench fix` and `demo --fix` run on.
 */
export interface FixEstate {
  sandbox: RunningSandbox;
  gateway: SandboxGateway['gateway'];
  writerToken: string;
  github: FakeGithub;
  close(): Promise<void>;
}

export async function openFixEstate(scenario: Scenario, approvalChecker: ApprovalChecker): Promise<FixEstate> {
  const sandbox = await startSandbox({ scenario });
  const writerToken = randomBytes(16).toString('hex');
  const closers: Array<() => Promise<void>> = [() => sandbox.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const gateway = await startGatewayOverSandbox(sandbox, {
      healthCheckIntervalMs: 0,
      enableWrites: true,
      approvalChecker,
      extraCallers: [{ principal: 'sre-bot-fix', tokenSha256: sha256Hex(writerToken), writes: true }],
    });
    closers.push(() => gateway.close());
    const github = await startFakeGithub({ repositories: { [SANDBOX_REPOSITORY]: sandbox.repo.path } });
    closers.push(() => github.close());
    return { sandbox, gateway: gateway.gateway, writerToken, github, close };
  } catch (error) {
    await close();
    throw error;
  }
}
