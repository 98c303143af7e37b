import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { SkillCatalog } from '../agent/ports.js';

/** The skill catalog, once the server has opened it. */
export type CatalogSource = () => Promise<SkillCatalog>;

const skillSummary = z.object({ name: z.string(), description: z.string() });

/** `search_skills`: the skill library ranked for a query, as names and descriptions. */
export function registerSearchSkillsTool(server: McpServer, catalog: CatalogSource): void {
  server.registerTool(
    'search_skills',
    {
      title: 'Search troubleshooting skills',
      description:
        'Finds the troubleshooting skills (runbooks the bot follows) that match a query; read one with read_skill.',
      inputSchema: z.object({
        query: z
          .string()
          .trim()
          .min(1)
          .max(500)
          .describe('Symptoms or component, e.g. "CrashLoopBackOff missing env".'),
        limit: z.number().int().min(1).max(25).default(5),
      }),
      outputSchema: z.object({ skills: z.array(skillSummary) }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ query, limit }) => {
      const skills = (await catalog()).search(query, limit).map(({ name, description }) => ({ name, description }));
      const text =
        skills.length > 0
          ? skills.map((skill) => `${skill.name}: ${skill.description}`).join('\n')
          : `No skill matches "${query}"; try fewer or broader words.`;
      return { content: [{ type: 'text', text }], structuredContent: { skills } };
    },
  );
}

/** `read_skill`: one skill's full text (what the model reads), with its fix section and reference files. */
export function registerReadSkillTool(server: McpServer, catalog: CatalogSource): void {
  server.registerTool(
    'read_skill',
    {
      title: 'Read a troubleshooting skill',
      description: 'Returns the full text of one skill by name (from search_skills).',
      inputSchema: z.object({
        name: z.string().trim().min(1).max(100).describe('Skill name, e.g. crashloop-missing-env.'),
      }),
      outputSchema: z.object({
        name: z.string(),
        description: z.string(),
        body: z.string(),
        fix: z.string().optional(),
        references: z.array(z.string()),
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ name }) => {
      const skill = (await catalog()).get(name);
      if (!skill)
        return {
          isError: true,
          content: [{ type: 'text', text: `No skill is named "${name}". Call search_skills to find skill names.` }],
        };
      const structured = {
        name: skill.name,
        description: skill.description,
        body: skill.body,
        ...(skill.fix ? { fix: skill.fix } : {}),
        references: skill.references,
      };
      return { content: [{ type: 'text', text: `# ${skill.name}\n\n${skill.body}` }], structuredContent: structured };
    },
  );
}
