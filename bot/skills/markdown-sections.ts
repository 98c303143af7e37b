import type { Nodes, Root, RootContent } from 'mdast';
import { remark } from 'remark';

/** A body section: a level-2 heading and everything up to the next level-2 heading. */
export interface SkillSection {
  title: string;
  /** 1-based file line of the heading. */
  line: number;
  /** 1-based file line of the section's last line. */
  endLine: number;
  /** The section's markdown, heading excluded. */
  markdown: string;
  /** Inline code spans (`get_pod_logs`) with their file lines: where tool names are written. */
  inlineCode: Array<{ value: string; line: number }>;
  /** Link and image targets with their file lines. */
  links: Array<{ url: string; line: number }>;
}

/** The body as the markdown AST sees it. */
export interface SkillBodyStructure {
  /** Level-1 title, if any. */
  title?: string;
  sections: SkillSection[];
  /** Links anywhere in the body (sections and preamble). */
  links: Array<{ url: string; line: number }>;
}

const processor = remark();

function collect(node: Nodes, lineOffset: number, section: Pick<SkillSection, 'inlineCode' | 'links'>): void {
  const line = (node.position?.start.line ?? 1) + lineOffset;
  if (node.type === 'inlineCode') section.inlineCode.push({ value: node.value, line });
  if (node.type === 'link' || node.type === 'image' || node.type === 'definition')
    section.links.push({ url: node.url, line });
  if ('children' in node) for (const child of node.children) collect(child, lineOffset, section);
}

function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return node.children.map((child) => plainText(child)).join('');
  return '';
}

/**
 * Parses a body with remark and groups it into `## ` sections. `bodyStartLine` maps AST lines
 * (relative to the body) back to file lines. Costs about a millisecond per KB, so the catalog
 * calls it on demand, not at load.
 */
export function parseBodyStructure(body: string, bodyStartLine: number): SkillBodyStructure {
  const tree: Root = processor.parse(body);
  const offset = bodyStartLine - 1;
  const lines = body.split('\n');
  const structure: SkillBodyStructure = { sections: [], links: [] };
  let current: { section: SkillSection; startOffset: number } | undefined;
  const preamble: Pick<SkillSection, 'inlineCode' | 'links'> = { inlineCode: [], links: [] };

  const close = (endBodyLine: number): void => {
    if (!current) return;
    const { section } = current;
    section.endLine = endBodyLine + offset;
    section.markdown = lines
      .slice(section.line - offset, endBodyLine)
      .join('\n')
      .trim();
    structure.sections.push(section);
    current = undefined;
  };

  for (const node of tree.children as RootContent[]) {
    const start = node.position?.start.line ?? 1;
    if (node.type === 'heading' && node.depth === 1 && structure.title === undefined && !current) {
      structure.title = plainText(node).trim();
      continue;
    }
    if (node.type === 'heading' && node.depth === 2) {
      close(start - 1);
      current = {
        section: {
          title: plainText(node).trim(),
          line: start + offset,
          endLine: start + offset,
          markdown: '',
          inlineCode: [],
          links: [],
        },
        startOffset: start,
      };
      continue;
    }
    collect(node, offset, current ? current.section : preamble);
  }
  close(lines.length);
  structure.links = [...preamble.links, ...structure.sections.flatMap((section) => section.links)];
  return structure;
}
