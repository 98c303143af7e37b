import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../bot/package-root.js';

/** The Node binary the measured processes (proxies, upstreams, estate) run on. */
export interface Runtime {
  node: string;
  /** `v24.21.0` */
  version: string;
  /** Why this is not the runtime asked for, when it fell back. */
  note?: string;
}

/** Major version of a `vNN.x.y` string. */
export function majorOf(version: string): number {
  return Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
}

function versionOf(node: string): string {
  return execFileSync(node, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
}

/** A Node 24 binary from the npm registry (`npx -y node@24`, cached after the first run), or why there is none. */
export function findNode24(): { node?: string; reason?: string } {
  try {
    const node = execFileSync('npx', ['-y', 'node@24', '-e', 'process.stdout.write(process.execPath)'], {
      encoding: 'utf8',
      timeout: 180_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return node ? { node } : { reason: 'npx node@24 printed no path' };
  } catch (error) {
    return {
      reason: `npx -y node@24 failed: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`,
    };
  }
}

/**
 * The runtime of the measured processes. `24` (the default) is the image's runtime (Dockerfile:
 * node:24), found with npx; `current` is the Node running the benchmark; anything else is a path.
 * Falls back to the current Node, with a note, when Node 24 cannot be had.
 */
export function resolveRuntime(option: string | undefined): Runtime {
  if (option === 'current') return { node: process.execPath, version: process.version };
  if (option && option !== '24') return { node: option, version: versionOf(option) };
  if (majorOf(process.version) === 24) return { node: process.execPath, version: process.version };
  const found = findNode24();
  if (found.node) return { node: found.node, version: versionOf(found.node) };
  return {
    node: process.execPath,
    version: process.version,
    note: `Node 24 unavailable (${found.reason ?? 'unknown'}); measured on ${process.version}`,
  };
}

/** Command and arguments that run a TypeScript entry of this repo on `runtime` (tsx as an import hook). */
export function tsCommand(runtime: Runtime, script: string): { command: string; args: string[] } {
  const loader = pathToFileURL(join(packageRoot(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return { command: runtime.node, args: ['--import', loader, script] };
}

/** Command and arguments that run the `sre-bot` CLI on `runtime`. */
export function cliCommand(runtime: Runtime, args: string[]): { command: string; args: string[] } {
  return { command: runtime.node, args: [join(packageRoot(), 'bin', 'sre-bot.js'), ...args] };
}
