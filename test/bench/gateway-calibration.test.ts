import { describe, expect, it } from 'vitest';
import { measureLoopback } from './gateway-calibration.js';

describe('gateway benchmark calibration', () => {
  it('times bare node:http exchanges with a server in another process, one at a time and in parallel', async () => {
    const calibration = await measureLoopback({ node: process.execPath, version: process.version }, 8, {
      sequential: 50,
      rounds: 10,
    });
    expect(calibration).toMatchObject({ runtime: process.version, parallel: 8 });
    expect(Number.isFinite(calibration.sequential) && calibration.sequential > 0).toBe(true);
    expect(Number.isFinite(calibration.parallelRound) && calibration.parallelRound > 0).toBe(true);
  }, 60_000);
});
