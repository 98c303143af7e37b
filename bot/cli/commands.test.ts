import { describe, expect, it } from 'vitest';
import { commands } from './commands.js';

describe('command registry', () => {
  it.each(commands.map((entry) => [entry.name, entry] as const))(
    'lists %s with the name and summary of the command it loads',
    async (_name, entry) => {
      const loaded = await entry.load?.();
      expect(loaded?.name).toBe(entry.name);
      expect(loaded?.summary).toBe(entry.summary);
      expect(loaded?.run ?? loaded?.subcommands).toBeDefined();
    },
  );
});
