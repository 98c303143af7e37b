import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runSlackBenchmark, type SlackBurstResult } from './slack.bench.js';

describe('slack burst benchmark', () => {
  it(
    'turns every event and its redeliveries into exactly one job on both queues and both intakes (no timing asserted)',
    async () => {
      const stdout = new PassThrough();
      let output = '';
      stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await runSlackBenchmark({ stdout, stderr: new PassThrough(), env: process.env }, [
        '--events',
        '60',
        '--rate',
        '300',
        '--retry-share',
        '0.2',
        '--json',
      ]);
      const { results } = JSON.parse(output) as { results: SlackBurstResult[] };
      expect(code).toBe(0);
      expect(results.map((result) => [result.queue, result.intake])).toEqual([
        ['memory', 'durable'],
        ['memory', 'enqueue-only'],
        ['redis', 'durable'],
        ['redis', 'enqueue-only'],
      ]);
      for (const result of results) {
        expect(result).toMatchObject({
          events: 60,
          retries: 12,
          requests: 72,
          non200: 0,
          jobs: 60,
          lost: 0,
          duplicated: 0,
        });
      }
    },
    // Four Bolt servers, two queues and two databases under a burst: slow on a loaded machine, yet bounded.
    240_000,
  );
});
