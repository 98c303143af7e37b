import { startSandbox, type RunningSandbox } from '../sandbox/start-sandbox.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../sandbox/with-gateway.js';
import type { Scenario } from '../sandbox/scenario/scenario-schema.js';

/** A scenario's estate with the whole MCP side in front: what `ask`, `eval` and the demo run against. */
export interface ScenarioEstate {
  sandbox: RunningSandbox;
  gateway: SandboxGateway['gateway'];
  close(): Promise<void>;
}

/** Starts the sandbox for a scenario and the MCP servers + gateway over it, all on loopback. */
export async function openScenarioEstate(
  scenario: Scenario,
  options: { callTimeoutMs?: number } = {},
): Promise<ScenarioEstate> {
  const sandbox = await startSandbox({ scenario });
  let gateway: SandboxGateway;
  try {
    gateway = await startGatewayOverSandbox(sandbox, {
      healthCheckIntervalMs: 0,
      ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}),
    });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return {
    sandbox,
    gateway: gateway.gateway,
    async close() {
      await gateway.close();
      await sandbox.close();
    },
  };
}
