import { z } from 'zod';
import { FindingSchema } from './answer.js';
import type { ModelToolDefinition, SkillCatalog, ToolDescriptor } from './ports.js';

export const SUBMIT_ANSWER = 'submit_answer';
export const LOAD_SKILL = 'load_skill';
export const READ_SKILL_FILE = 'read_skill_file';
export const SEARCH_TOOLS = 'search_tools';
export const SEARCH_SKILLS = 'search_skills';

/** Names the pipeline handles itself; everything else is a gateway tool. */
export const BUILT_IN_TOOLS = new Set([SUBMIT_ANSWER, LOAD_SKILL, READ_SKILL_FILE, SEARCH_TOOLS, SEARCH_SKILLS]);

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}

/** The pipeline's own tools, with `load_skill` limited to the skills that exist. */
export function builtInToolDefinitions(catalog: SkillCatalog): ModelToolDefinition[] {
  const names = catalog.names();
  return [
    {
      name: LOAD_SKILL,
      description:
        'Load the full troubleshooting skill (signals, investigation steps, fix) by name from the skill index.',
      inputSchema: jsonSchema(
        z.object({ name: names.length > 0 ? z.enum(names as [string, ...string[]]) : z.string() }),
      ),
    },
    {
      name: READ_SKILL_FILE,
      description: "Read a file from a skill's references/ folder (long material a skill points to).",
      inputSchema: jsonSchema(
        z.object({
          skill: z.string(),
          path: z.string().describe('Path inside the skill folder, e.g. references/quota.md'),
        }),
      ),
    },
    {
      name: SEARCH_SKILLS,
      description:
        'Full-text search of the skill library when the index does not list a fitting skill, e.g. "certificate ' +
        'expired".',
      inputSchema: jsonSchema(
        z.object({ query: z.string().min(2), limit: z.number().int().min(1).max(10).optional() }),
      ),
    },
    {
      name: SEARCH_TOOLS,
      description:
        'Search the platform tools (Kubernetes, Argo CD, Kyverno across every instance) by what you need, e.g. ' +
        '"pod logs", "policy violations", "application diff". Matching tools become callable on your next turn.',
      inputSchema: jsonSchema(
        z.object({ query: z.string().min(2), limit: z.number().int().min(1).max(10).optional() }),
      ),
    },
    {
      name: SUBMIT_ANSWER,
      description:
        'Submit the final answer. Call exactly once, when the root cause is established from evidence (or you ' +
        'have exhausted what the tools can tell).',
      inputSchema: jsonSchema(FindingSchema),
    },
  ];
}

/** A gateway tool as a model tool definition. */
export function gatewayToolDefinition(tool: ToolDescriptor, deferLoading = false): ModelToolDefinition {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    ...(deferLoading ? { deferLoading } : {}),
  };
}

/**
 * Ranks gateway tools for a search_tools query: word overlap on name and description, name hits
 * weighted higher. Small and deterministic; the tool list is tens of entries, not thousands.
 */
export function searchTools(tools: readonly ToolDescriptor[], query: string, limit: number): ToolDescriptor[] {
  const words = query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1);
  const scored = tools.map((tool) => {
    const name = tool.name.toLowerCase();
    const description = tool.description.toLowerCase();
    let score = 0;
    for (const word of words) {
      const stem = word.replace(/s$/, '');
      if (name.includes(stem)) score += 3;
      if (description.includes(stem)) score += 1;
    }
    return { tool, score };
  });
  return scored
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name))
    .slice(0, limit)
    .map((entry) => entry.tool);
}
