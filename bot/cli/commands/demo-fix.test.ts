import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commands } from '../commands.js';
import { runCli } from '../run-cli.js';

/** `sre-bot demo --fix`: a broken estate healed by a fix the bot proposed, in the terminal. */
describe('sre-bot demo --fix', () => {
  it('answers, proposes, verifies, merges on a simulated approval and ends Healthy', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const io = {
      stdout,
      stderr,
      env: { LOG_LEVEL: 'silent' },
      cwd: process.cwd(),
      stopSignal: new Promise<void>(() => {}),
    };
    const code = await runCli(['demo', '--fix', '--no-model', '--scenario', 'wrong-probe-port'], commands, io);
    expect(err).toContain('APPROVAL SIMULATED');
    expect(err).toMatch(/\[fix\] proposed: .*probe/);
    expect(err).toContain('dry run: accepted');
    expect(err).toMatch(/is Healthy and Synced at [0-9a-f]{7}/);
    expect(out).toContain('Root cause');
    expect(code).toBe(0);
  }, 180_000);
});
