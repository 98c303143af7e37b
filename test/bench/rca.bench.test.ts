import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runRcaBenchmark } from './rca.bench.js';

describe('rca benchmark', () => {
  it('drafts RCAs and serves an index of every seeded RCA (small run, no timing asserted)', async () => {
    const stdout = new PassThrough();
    let output = '';
    stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await runRcaBenchmark({ stdout, stderr: new PassThrough() }, [
      '--drafts',
      '2',
      '--rcas',
      '30',
      '--requests',
      '3',
      '--json',
    ]);
    const result = JSON.parse(output) as {
      drafts: { count: number };
      index: { rcas: number; rcasCounted: number; rowsShown: number };
    };
    expect(result.drafts.count).toBe(2);
    // The index shows the 30 seeded RCAs and the 2 drafted ones.
    expect(result.index.rcasCounted).toBe(32);
    expect(result.index.rowsShown).toBe(32);
  }, 60_000);
});
