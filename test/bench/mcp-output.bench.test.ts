import { describe, expect, it } from 'vitest';
import { loadScenario } from '../mcp-servers/sandbox-harness.js';
import { formatTable, measureScenario } from './mcp-output.bench.js';

describe('mcp-output benchmark', () => {
  it('measures one scenario side by side: our answers hold the root cause in fewer tokens than the peers', async () => {
    const row = await measureScenario(await loadScenario('crash-missing-env'));
    expect(row.ourMissing).toEqual([]);
    expect(row.theirCalls).toBeGreaterThan(row.ourCalls);
    expect(row.ourTokens).toBeLessThan(row.theirTokens);
    expect(formatTable([row])).toMatch(/\| crash-missing-env \| 2 \| \d+ \| 6 \| \d+ \| \d+% \| all \|/);
  });
});
