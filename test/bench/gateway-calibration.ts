import { join } from 'node:path';
import { packageRoot } from '../../bot/package-root.js';
import { spawnUntil, stats, stopAll, timedGet } from './gateway-bench-client.js';
import { tsCommand, type Runtime } from './gateway-runtime.js';

/**
 * What one HTTP exchange between two processes costs on this box, measured with bare node:http
 * (no MCP, no gateway). Every figure of the gateway benchmark is made of such exchanges — a fan-out
 * over 40 instances is 80 of them (gateway → MCP server → Argo CD) — so this line lets a reader
 * compare runs made on different machines.
 */
export interface LoopbackCalibration {
  /** Node the server ran on. */
  runtime: string;
  /** One request at a time: round trip p50 (ms). */
  sequential: number;
  /** `parallel` requests at once, p50 of the rounds (ms). */
  parallelRound: number;
  parallel: number;
}

/**
 * Sequential round trips and rounds of `parallel` concurrent requests against a bare node:http server in its own
 * process.
 */
export async function measureLoopback(
  runtime: Runtime,
  parallel: number,
  counts: { sequential: number; rounds: number } = { sequential: 2000, rounds: 200 },
): Promise<LoopbackCalibration> {
  const command = tsCommand(runtime, join(packageRoot(), 'test', 'bench', 'gateway-loopback-server.ts'));
  const started = await spawnUntil(command.command, command.args, process.env, 'stdout', /^(\{"url".*)$/);
  try {
    const target = { url: (JSON.parse(started.match[1] ?? '{}') as { url: string }).url, headers: {} };
    for (let warm = 0; warm < counts.rounds; warm++)
      await Promise.all(Array.from({ length: parallel }, () => timedGet(target)));
    const sequential: number[] = [];
    for (let call = 0; call < counts.sequential; call++) sequential.push(await timedGet(target));
    const rounds: number[] = [];
    for (let round = 0; round < counts.rounds; round++) {
      const at = performance.now();
      await Promise.all(Array.from({ length: parallel }, () => timedGet(target)));
      rounds.push(performance.now() - at);
    }
    return { runtime: runtime.version, sequential: stats(sequential).p50, parallelRound: stats(rounds).p50, parallel };
  } finally {
    await stopAll([started.child]);
  }
}
