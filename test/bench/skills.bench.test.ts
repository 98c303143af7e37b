import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runSkillsBenchmark } from './skills.bench.js';

describe('skills benchmark', () => {
  it(
    'measures both catalog sizes and keeps the large ' + 'prompt index bounded (small run, no timing asserted)',
    async () => {
      const stdout = new PassThrough();
      let output = '';
      stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await runSkillsBenchmark({ stdout, stderr: new PassThrough() }, ['--count', '60', '--json']);
      const result = JSON.parse(output) as {
        small: { skills: number; indexListed: number };
        large: { skills: number; indexListed: number; indexTokensCl100k: number; allDescriptionsTokensCl100k: number };
      };
      expect(result.large.skills).toBe(result.small.skills + 60);
      expect(result.small.indexListed).toBe(result.small.skills);
      expect(result.large.indexListed).toBeLessThan(result.large.skills);
      expect(result.large.indexTokensCl100k).toBeLessThan(result.large.allDescriptionsTokensCl100k);
    },
  );
});
