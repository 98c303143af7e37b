import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGatewayLogger, droppedLogLines } from './logger.js';
import { GatewayMetrics } from './metrics.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function logFile(): { fd: number; read: () => Array<Record<string, unknown>> } {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-logger-'));
  const path = join(dir, 'gateway.log');
  const fd = openSync(path, 'w');
  cleanups.push(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });
  const read = () =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { fd, read };
}

describe('gateway logger backlog', () => {
  it('drops lines beyond the backlog cap instead of queueing without bound, then says how many', async () => {
    const { fd, read } = logFile();
    const logger = createGatewayLogger({ destination: fd, maxBacklogBytes: 4096 });
    // One synchronous burst: the first write is in flight and cannot finish before the loop ends,
    // so everything past 4 KiB of backlog must be dropped.
    for (let index = 0; index < 200; index++)
      logger.info({ event: 'tool-call-audit', index, padding: 'x'.repeat(60) }, 'audit');
    const dropped = droppedLogLines(logger);
    expect(dropped).toBeGreaterThan(100);
    expect(dropped).toBeLessThan(200);

    await vi.waitFor(() => expect(read().some((line) => line.event === 'log-lines-dropped')).toBe(true));
    const lines = read();
    const audit = lines.filter((line) => line.event === 'tool-call-audit');
    expect(audit).toHaveLength(200 - dropped);
    // The lines kept are the oldest, in order; the notice counts exactly the lost ones.
    expect(audit.map((line) => line.index)).toEqual(Array.from({ length: 200 - dropped }, (_, index) => index));
    expect(lines.find((line) => line.event === 'log-lines-dropped')).toMatchObject({
      level: 40,
      dropped,
      droppedTotal: dropped,
    });

    // Once drained, logging goes on.
    logger.info({ event: 'after-burst' }, 'later');
    await vi.waitFor(() => expect(read().at(-1)).toMatchObject({ event: 'after-burst' }));
    expect(droppedLogLines(logger)).toBe(dropped);
  });

  it('drops nothing while the destination keeps up', async () => {
    const { fd, read } = logFile();
    const logger = createGatewayLogger({ destination: fd, maxBacklogBytes: 1024 * 1024 });
    for (let index = 0; index < 200; index++) logger.info({ event: 'tool-call-audit', index }, 'audit');
    // Asynchronous writes: wait for the last line, then check nothing went missing on the way.
    await vi.waitFor(() => expect(read().at(-1)).toMatchObject({ index: 199 }));
    expect(droppedLogLines(logger)).toBe(0);
    expect(read()).toHaveLength(200);
  });

  it('exposes the dropped count on /metrics as a counter', async () => {
    let dropped = 0;
    const metrics = new GatewayMetrics({ droppedLogLines: () => dropped });
    dropped = 7;
    expect(await metrics.registry.metrics()).toMatch(/^sre_bot_gateway_log_lines_dropped_total 7$/m);
    dropped = 9;
    expect(await metrics.registry.metrics()).toMatch(/^sre_bot_gateway_log_lines_dropped_total 9$/m);
  });
});
