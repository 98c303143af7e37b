import { readFileSync } from 'node:fs';
import { writeLine, parseFlags, type Command } from '../command.js';
import { packageRoot } from '../../package-root.js';
import { join } from 'node:path';

/** Reads the version from the root package.json. */
export function readVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}

export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the sre-bot version and the Node.js version it runs on.',
  usage: 'version [--json]',
  run: (argv, io) => {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } }, versionCommand.usage);
    const version = readVersion();
    if (values.json) writeLine(io.stdout, JSON.stringify({ version, node: process.version }));
    else writeLine(io.stdout, `sre-bot ${version} (node ${process.version})`);
    return Promise.resolve(0);
  },
};
