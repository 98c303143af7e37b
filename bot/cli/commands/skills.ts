import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { listMcpToolNames } from '../../../mcp-servers/tool-names.js';
import { packageRoot } from '../../package-root.js';
import { createSkillCatalog } from '../../skills/catalog.js';
import type { SkillCatalog } from '../../skills/catalog-types.js';
import { loadSkillsConfig } from '../../skills/config.js';
import { formatLintReport, lintPaths } from '../../skills/lint/lint-paths.js';
import { renderSkillTemplate, skillNameProblem } from '../../skills/scaffold.js';
import { SKILL_FILE } from '../../skills/skill-spec.js';
import { skillsCiCommand } from './skills-ci.js';
import { parseFlags, parseIntegerFlag, UsageError, writeLine, type CliIo, type Command } from '../command.js';

/** Skill roots: --dir flags, else SKILLS_DIRS, else ./skills, else the packaged library. */
function resolveRoots(io: CliIo, dirs: string[] | undefined): string[] {
  if (dirs && dirs.length > 0) return dirs.map((dir) => resolve(io.cwd, dir));
  const configured = loadSkillsConfig(io.env, io.cwd).roots;
  if (io.env.SKILLS_DIRS || configured.every((root) => existsSync(root))) return [...configured];
  return [join(packageRoot(), 'skills')];
}

async function withCatalog<T>(
  io: CliIo,
  dirs: string[] | undefined,
  fn: (catalog: SkillCatalog) => Promise<T>,
): Promise<T> {
  const catalog = await createSkillCatalog({
    roots: resolveRoots(io, dirs),
    urlAllowList: loadSkillsConfig(io.env, io.cwd).urlAllowList,
  });
  try {
    for (const error of catalog.errors()) {
      const first = error.issues[0];
      writeLine(
        io.stderr,
        `warning: ${relative(io.cwd, error.path)}:${first?.line ?? 1}: ${first?.rule ?? 'invalid'}: ` +
          `${first?.message ?? 'invalid skill'} (not served; run 'sre-bot skills lint')`,
      );
    }
    return await fn(catalog);
  } finally {
    await catalog.close();
  }
}

const lintCommand: Command = {
  name: 'lint',
  summary: 'Check skills against the Agent Skills spec, our conventions, the MCP tool list and the security scan.',
  usage: 'skills lint [PATH...] [--json]',
  run: (argv, io) => {
    const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, lintCommand.usage, true);
    const config = loadSkillsConfig(io.env, io.cwd);
    const paths = positionals.length > 0 ? positionals : resolveRoots(io, undefined);
    const report = lintPaths(paths, io.cwd, {
      knownTools: new Set(listMcpToolNames()),
      urlAllowList: config.urlAllowList,
    });
    if (values.json) writeLine(io.stdout, JSON.stringify(report));
    else writeLine(report.errors > 0 ? io.stderr : io.stdout, formatLintReport(report));
    return Promise.resolve(report.errors > 0 ? 1 : 0);
  },
};

const newCommand: Command = {
  name: 'new',
  summary: 'Create skills/NAME/SKILL.md from a template that passes lint.',
  usage: 'skills new NAME [--dir DIR] [--description TEXT] [--owner TEAM]',
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(
      argv,
      { dir: { type: 'string' }, description: { type: 'string' }, owner: { type: 'string' } },
      newCommand.usage,
      true,
    );
    const [name, ...extra] = positionals;
    if (!name || extra.length > 0) throw new UsageError('give exactly one skill name', newCommand.usage);
    const problem = skillNameProblem(name);
    if (problem) throw new UsageError(`'${name}': ${problem}`, newCommand.usage);
    if (values.description !== undefined && /[<>]/.test(values.description)) {
      throw new UsageError('--description must not contain < or >', newCommand.usage);
    }
    const root = values.dir
      ? resolve(io.cwd, values.dir)
      : (resolveRoots(io, undefined).at(-1) ?? resolve(io.cwd, 'skills'));
    const folder = join(root, name);
    if (existsSync(folder)) {
      writeLine(io.stderr, `error: ${relative(io.cwd, folder)} already exists`);
      return 1;
    }
    await mkdir(join(folder, 'references'), { recursive: true });
    const input: Parameters<typeof renderSkillTemplate>[0] = { name };
    if (values.description !== undefined) input.description = values.description;
    if (values.owner !== undefined) input.owner = values.owner;
    await writeFile(join(folder, SKILL_FILE), renderSkillTemplate(input), 'utf8');
    writeLine(
      io.stdout,
      `created ${relative(io.cwd, join(folder, SKILL_FILE))}: fill in the sections, then run 'sre-bot skills ` +
        `lint ${relative(io.cwd, folder)}'`,
    );
    return 0;
  },
};

const searchCommand: Command = {
  name: 'search',
  summary: 'Full-text search over skill names, descriptions, signals and bodies.',
  usage: 'skills search QUERY [--dir DIR]... [--limit N] [--json]',
  run: (argv, io) => {
    const { values, positionals } = parseFlags(
      argv,
      { dir: { type: 'string', multiple: true }, limit: { type: 'string' }, json: { type: 'boolean' } },
      searchCommand.usage,
      true,
    );
    const query = positionals.join(' ').trim();
    if (!query) throw new UsageError('give a search query', searchCommand.usage);
    const limit = parseIntegerFlag(values.limit, 'limit', searchCommand.usage) ?? 10;
    return withCatalog(io, values.dir, (catalog) => {
      const hits = catalog.search(query, { limit });
      if (values.json) writeLine(io.stdout, JSON.stringify(hits));
      else if (hits.length === 0) writeLine(io.stdout, `no skill matches '${query}'`);
      else {
        const width = Math.max(...hits.map((hit) => hit.name.length));
        for (const hit of hits) {
          const description = hit.description.length > 100 ? `${hit.description.slice(0, 99)}…` : hit.description;
          writeLine(io.stdout, `${hit.name.padEnd(width)}  ${hit.score.toFixed(2).padStart(6)}  ${description}`);
        }
      }
      return Promise.resolve(hits.length === 0 ? 1 : 0);
    });
  },
};

const showCommand: Command = {
  name: 'show',
  summary: 'Print a skill: provenance (file, hash, last commit) and its body.',
  usage: 'skills show NAME [--dir DIR]... [--json]',
  run: (argv, io) => {
    const { values, positionals } = parseFlags(
      argv,
      { dir: { type: 'string', multiple: true }, json: { type: 'boolean' } },
      showCommand.usage,
      true,
    );
    const [name, ...extra] = positionals;
    if (!name || extra.length > 0) throw new UsageError('give exactly one skill name', showCommand.usage);
    return withCatalog(io, values.dir, async (catalog) => {
      const skill = catalog.get(name);
      if (!skill) {
        const near = catalog.search(name, { limit: 3 }).map((hit) => hit.name);
        writeLine(
          io.stderr,
          `error: no skill named '${name}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
        );
        return 1;
      }
      const commit = await catalog.lastCommit(name);
      const references = await catalog.listReferences(name);
      if (values.json) {
        const { sections: _sections, ...rest } = skill;
        writeLine(io.stdout, JSON.stringify({ ...rest, lastCommit: commit ?? null, references }));
        return 0;
      }
      writeLine(io.stdout, `name:        ${skill.name}`);
      writeLine(io.stdout, `description: ${skill.description}`);
      if (skill.owner) writeLine(io.stdout, `owner:       ${skill.owner}`);
      if (skill.severity) writeLine(io.stdout, `severity:    ${skill.severity}`);
      writeLine(io.stdout, `signals:     ${skill.signals.replace(/\s*\n\s*/g, '; ') || '(none)'}`);
      writeLine(io.stdout, `file:        ${relative(io.cwd, skill.provenance.path)}`);
      writeLine(io.stdout, `sha256:      ${skill.provenance.sha256}`);
      const commitLine = commit
        ? `${commit.sha.slice(0, 12)} ${commit.date} ${commit.author}: ${commit.subject}`
        : undefined;
      writeLine(io.stdout, `last commit: ${commitLine ?? '(not committed)'}`);
      for (const shadow of skill.provenance.shadows) writeLine(io.stdout, `overrides:   ${relative(io.cwd, shadow)}`);
      if (references.length > 0) writeLine(io.stdout, `references:  ${references.join(', ')}`);
      writeLine(io.stdout, '');
      writeLine(io.stdout, skill.body.trim());
      return 0;
    });
  },
};

export const skillsCommand: Command = {
  name: 'skills',
  summary: 'Skill library: lint, new, search, show, ci.',
  usage: 'skills <lint|new|search|show|ci>',
  subcommands: [lintCommand, newCommand, searchCommand, showCommand, skillsCiCommand],
};
