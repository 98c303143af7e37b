import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');

/**
 * The import-boundary rules of DESIGN.md, proven against deliberate violations: each case is a
 * tiny tree laid out like the repository, cruised with the project's own configuration.
 */
describe('import boundaries', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'sre-bot-boundaries-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  async function cruise(files: Record<string, string>): Promise<{ code: number; output: string }> {
    const dir = mkdtempSync(join(workDir, 'case-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    cpSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    cpSync(join(root, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const roots = [...new Set(Object.keys(files).map((path) => path.split('/')[0] ?? path))];
    try {
      const { stdout, stderr } = await run(depcruise, ['--config', '.dependency-cruiser.cjs', ...roots], { cwd: dir });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failure.code ?? 1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
    }
  }

  it('fails when bot/agent imports pg', async () => {
    const result = await cruise({ 'bot/agent/gather.ts': "import pg from 'pg';\nexport const pool = pg.Pool;\n" });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('agent-imports-nothing-concrete');
  });

  it('fails when bot/agent imports the concrete store', async () => {
    const result = await cruise({
      'bot/store/store.ts': 'export const store = 1;\n',
      'bot/agent/record.ts': "import { store } from '../store/store.js';\nexport const s = store;\n",
    });
    expect(result.output).toContain('agent-imports-nothing-concrete');
  });

  it('fails when bot/agent imports @slack/bolt', async () => {
    const result = await cruise({
      'bot/agent/answer.ts': "import type { types } from '@slack/bolt';\nexport type Blocks = types.KnownBlock[];\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('agent-knows-nothing-of-slack');
  });

  it('fails when bot/agent imports the Slack wing', async () => {
    const result = await cruise({
      'bot/slack/answer-blocks.ts': 'export const blocks = 1;\n',
      'bot/agent/answer.ts': "import { blocks } from '../slack/answer-blocks.js';\nexport const b = blocks;\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('agent-knows-nothing-of-slack');
  });

  it('fails when a bot part outside bot/slack imports the Slack SDK', async () => {
    const result = await cruise({
      'bot/runtime/notify.ts': "import { WebClient } from '@slack/web-api';\nexport const client = WebClient;\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('slack-sdk-only-in-slack-wing');
  });

  it('lets bot/slack and the composition roots import the Slack SDK', async () => {
    const result = await cruise({
      'bot/slack/answer-poster.ts': "import { WebClient } from '@slack/web-api';\nexport const client = WebClient;\n",
      'bot/cli/commands/worker.ts': "import { WebClient } from '@slack/web-api';\nexport const client = WebClient;\n",
    });
    expect(result.output).toContain('no dependency violations found');
    expect(result.code).toBe(0);
  });

  it('fails when an MCP server imports bot code', async () => {
    const result = await cruise({
      'bot/errors.ts': 'export const e = 1;\n',
      'mcp-servers/argocd/tools/get-application.ts':
        "import { e } from '../../../bot/errors.js';\nexport const x = e;\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('mcp-servers-never-import-bot');
  });

  it('fails when the shared redaction library imports bot or MCP server code', async () => {
    const result = await cruise({
      'bot/errors.ts': 'export const e = 1;\n',
      'redaction/redact.ts': "import { e } from '../bot/errors.js';\nexport const x = e;\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('redaction-stands-alone');
  });

  it('lets both bot and MCP servers import the redaction library', async () => {
    const result = await cruise({
      'redaction/index.ts': 'export const redact = (text: string): string => text;\n',
      'bot/agent/untrusted.ts': "import { redact } from '../../redaction/index.js';\nexport const x = redact;\n",
      'mcp-servers/common/tool.ts': "import { redact } from '../../redaction/index.js';\nexport const y = redact;\n",
    });
    expect(result.code, result.output).toBe(0);
  });

  it('fails on an import cycle', async () => {
    const result = await cruise({
      'bot/slack/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'bot/slack/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('no-circular');
  });

  it('passes a tree that respects the boundaries', async () => {
    const result = await cruise({
      'bot/agent/ports.ts': 'export interface Store { save(): Promise<void> }\n',
      'bot/agent/answer.ts': "import type { Store } from './ports.js';\nexport const save = (s: Store) => s.save();\n",
      'bot/store/store.ts': "import pg from 'pg';\nexport const Pool = pg.Pool;\n",
    });
    expect(result.output).toContain('no dependency violations found');
    expect(result.code).toBe(0);
  });
});
