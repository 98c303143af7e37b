import { posix } from 'node:path';
import { z } from 'zod';
import type { ModelClient } from '../../agent/ports.js';
import { redactText } from '../../../redaction/index.js';
import { createUntrustedFence, type UntrustedFence } from '../../agent/untrusted.js';
import { errorMessage } from '../../errors.js';
import type { RecipeResult } from '../fix-plan.js';
import { EditSet, type RecipeContext } from '../recipe-context.js';
import { valueAt, type SourceDocument } from '../source-tree.js';
import { formatYamlPath, loadDocuments } from '../yaml-edit.js';

export const PROPOSE_FIX = 'propose_fix';

/** What the model returns: structured scalar edits, each with its reason. */
export const ProposedFixSchema = z.object({
  title: z.string().min(1).max(120).describe('Pull request title, e.g. "checkout: run image tag 1.8.2".'),
  edits: z
    .array(
      z.object({
        file: z.string().min(1).max(300).describe('A file of the app source listed in the records, as given.'),
        document: z.number().int().min(0).max(50).default(0).describe('Index of the YAML document in the file.'),
        path: z
          .array(z.union([z.string().min(1).max(253), z.number().int().min(0).max(1_000)]))
          .min(1)
          .max(30)
          .describe('Keys and sequence indexes down to one existing scalar, e.g. ["spec","replicas"].'),
        value: z.union([z.string().max(500), z.number()]).describe('The new value of that scalar.'),
        why: z.string().min(1).max(600),
      }),
    )
    .min(1)
    .max(10),
});

function toolSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(ProposedFixSchema) as Record<string, unknown>;
  return rest;
}

const systemPrompt = (fence: UntrustedFence): string =>
  [
    'You propose the smallest change to a GitOps source that fixes the diagnosed fault.',
    'Only change existing scalar values in the files given; never a Secret, an Argo CD Application, or a file',
    "outside the app's path. If no such change fixes it, answer in text instead of calling the tool.",
    fence.rule,
    `Answer by calling ${PROPOSE_FIX}.`,
  ].join('\n');

function documentOf(context: RecipeContext, file: string, index: number): SourceDocument | undefined {
  const text = context.current.files.get(file);
  if (text === undefined) return undefined;
  const value = loadDocuments(text, file)[index];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const root = context.current.appPath;
  const isShared = posix.dirname(file) !== root && !file.startsWith(`${root}/`);
  return { file, index, value: value as Record<string, unknown>, isShared };
}

/**
 * With a model: the `propose_fix` tool returns structured edits (file, YAML path, new value,
 * why), and each is checked exactly like a recipe's: the file is part of the app's source, not
 * shared, not a Secret or an Application, the path ends at an existing scalar, and after the
 * byte-minimal edit only those paths differ. A model that answers in text proposes nothing.
 */
export async function modelProposalRecipe(
  model: ModelClient,
  context: RecipeContext,
  diagnosis: { rootCause: string; skills: readonly string[] },
  signal?: AbortSignal,
): Promise<RecipeResult> {
  const sources = Object.fromEntries(context.current.files);
  const fence = createUntrustedFence();
  const response = await model.create({
    system: systemPrompt(fence),
    tools: [{ name: PROPOSE_FIX, description: 'Propose the edits of the fix.', inputSchema: toolSchema() }],
    messages: [
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: fence.wrap(
              'sre-bot-fix-context',
              redactText(
                JSON.stringify({ app: context.app, diagnosis, appPath: context.current.appPath, files: sources }),
              ),
            ),
          },
        ],
      },
    ],
    maxTokens: 1_500,
    ...(signal ? { signal } : {}),
  });
  const call = response.content.find((block) => block.type === 'tool_use' && block.name === PROPOSE_FIX);
  if (call?.type !== 'tool_use') return undefined;
  const parsed = ProposedFixSchema.safeParse(call.input);
  if (!parsed.success) return { kind: 'handoff', reason: 'the model proposed edits of the wrong shape' };
  const edits = new EditSet(context.current);
  for (const edit of parsed.data.edits) {
    const shown = `${edit.file} ${formatYamlPath(edit.path)}`;
    const document = documentOf(context, edit.file, edit.document);
    if (!document)
      return { kind: 'handoff', reason: `the model proposed to edit ${shown}, which is not in the app's source` };
    const refusal = EditSet.refusal(document);
    if (refusal) return { kind: 'handoff', reason: refusal };
    const before = valueAt(document.value, edit.path);
    if (before === undefined || (typeof before === 'object' && before !== null))
      return { kind: 'handoff', reason: `the model proposed ${shown}, which is not an existing value` };
    try {
      edits.set(edit.file, edit.document, edit.path, edit.value, before);
    } catch (error) {
      return { kind: 'handoff', reason: `the model's edit of ${shown} could not be applied: ${errorMessage(error)}` };
    }
  }
  let files;
  try {
    files = edits.files();
  } catch (error) {
    return { kind: 'handoff', reason: `the model's edits changed more than they said: ${errorMessage(error)}` };
  }
  return {
    kind: 'edits',
    title: parsed.data.title,
    rationale: parsed.data.edits.map((edit) => edit.why).join(' '),
    edits: edits.edits,
    files,
  };
}
