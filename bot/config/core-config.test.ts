import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCoreConfig } from './core-config.js';
import { parseEnv } from './parse-env.js';

describe('configuration', () => {
  it('applies schema defaults to an empty environment and freezes the result', () => {
    const config = loadCoreConfig({});
    expect(config).toMatchObject({
      SRE_BOT_HOME: '.sre-bot',
      LOG_LEVEL: 'info',
      QUEUE_PREFIX: 'sre-bot',
      METRICS_PORT: 0,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every bad variable in one error, naming each', () => {
    expect(() =>
      loadCoreConfig({
        DATABASE_URL: 'mysql://db',
        REDIS_URL: 'http://redis',
        LOG_LEVEL: 'loud',
        METRICS_PORT: 'ninety',
      }),
    ).toThrow(
      /DATABASE_URL must be a URL starting with postgres:\/\/.*REDIS_URL must be a URL starting with redis:\/\/.*LOG_LEVEL .*METRICS_PORT must be a whole number/,
    );
  });

  it('names both missing required variables in one error', () => {
    const schema = z.object({
      SLACK_BOT_TOKEN: z.string(),
      SLACK_SIGNING_SECRET: z.string(),
      PORT: z.string().default('3000'),
    });
    expect(() => parseEnv(schema, { PORT: '8080' }, 'slack')).toThrow(
      'invalid slack configuration: SLACK_BOT_TOKEN is required; SLACK_SIGNING_SECRET is required',
    );
  });

  it('treats empty strings as unset so defaults apply', () => {
    const config = loadCoreConfig({ LOG_LEVEL: '', DATABASE_URL: '' });
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_URL).toBeUndefined();
  });
});
