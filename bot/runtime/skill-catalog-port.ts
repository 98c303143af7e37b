import type { SkillCatalog as AgentSkillCatalog, SkillDocument } from '../agent/ports.js';
import type { SkillCatalog } from '../skills/catalog-types.js';

/** Adapts the on-disk skill catalog to the narrow interface the investigation pipeline uses. */
export function skillCatalogPort(catalog: SkillCatalog): AgentSkillCatalog {
  return {
    names: () => catalog.list().map((skill) => skill.name),
    promptIndex: (query) => catalog.index({ query }).text,
    get(name): SkillDocument | undefined {
      const skill = catalog.get(name);
      if (!skill) return undefined;
      const fix = skill.sections.find((section) => section.title.trim().toLowerCase() === 'fix')?.markdown;
      return {
        name: skill.name,
        description: skill.description,
        body: skill.body,
        ...(fix ? { fix } : {}),
        references: [],
      };
    },
    async readFile(name, path) {
      try {
        return await catalog.readReference(name, path);
      } catch {
        return undefined;
      }
    },
    match: (evidence) =>
      catalog.match(evidence).map((match) => ({
        name: match.name,
        score: match.score,
        hits: match.hits
          .filter((hit) => !hit.isCounter)
          .map((hit) => ({ signal: hit.signal, line: hit.line, source: hit.source, weight: hit.weight })),
      })),
    async version(name) {
      const skill = catalog.get(name);
      if (!skill) return undefined;
      const commit = await catalog.lastCommit(name);
      return commit?.sha ?? `sha256:${skill.provenance.sha256.slice(0, 12)}`;
    },
    search: (query, limit) =>
      catalog.search(query, { limit }).map((hit) => ({ name: hit.name, description: hit.description })),
  };
}
