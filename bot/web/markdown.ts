import type { Root } from 'mdast';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { rawHtml, type Html } from './html.js';

/** Raw HTML a person typed (or a record carried) stays visible as text instead of becoming markup. */
function htmlAsText() {
  return (tree: Root) => {
    visit(tree, 'html', (node, index, parent) => {
      if (parent && index !== undefined) parent.children[index] = { type: 'text', value: node.value };
    });
  };
}

/** GitHub's sanitising schema without images (a page a manager prints must not fetch anything). */
const SCHEMA = {
  ...defaultSchema,
  tagNames: (defaultSchema.tagNames ?? []).filter((tag) => tag !== 'img'),
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto'] },
};

const processor = unified()
  .use(remarkParse)
  .use(htmlAsText)
  .use(remarkRehype)
  .use(rehypeSanitize, SCHEMA)
  .use(rehypeStringify);

/**
 * Text of an RCA section (written by a drafter or a person, in markdown) as HTML through the
 * remark/rehype pipeline: markdown parsed, raw HTML kept as text, the HTML tree sanitised
 * (no script, no event handlers, no images, links only to http, https and mailto).
 */
export function renderMarkdown(text: string): Html {
  return rawHtml(String(processor.processSync(text)));
}
