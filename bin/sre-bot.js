#!/usr/bin/env node
// The one entry point of every sre-bot role. A built image runs the compiled CLI from dist/;
// a fresh clone (no build step) runs the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const built = join(root, 'dist', 'bot', 'cli', 'main.js');
if (existsSync(built) && process.env.SRE_BOT_FROM_SOURCE !== '1') {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'bot', 'cli', 'main.ts')).href);
}
