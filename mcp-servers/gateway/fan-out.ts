import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from './errors.js';

/** One instance's answer in a fan-out: a result, or the reason it could not be asked. */
export type InstanceAnswer = { instance: string; result: CallToolResult } | { instance: string; error: string };

/** A fan-out's merged result plus what the audit needs to know. */
export interface FanOutOutcome {
  result: CallToolResult;
  unreachable: string[];
  answered: number;
}

/** Calls `callOne` for every instance, at most `concurrency` at a time; never rejects except for caller mistakes. */
export async function askEvery(
  instances: readonly string[],
  concurrency: number,
  callOne: (instance: string) => Promise<CallToolResult>,
): Promise<InstanceAnswer[]> {
  const answers: InstanceAnswer[] = new Array<InstanceAnswer>(instances.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < instances.length) {
      const index = next++;
      const instance = instances[index] ?? '';
      try {
        answers[index] = { instance, result: await callOne(instance) };
      } catch (error) {
        // A caller mistake (bad arguments) is the same on every instance: report it once, as the protocol error it is.
        if (error instanceof McpError) throw error;
        answers[index] = { instance, error: errorMessage(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, instances.length) }, worker));
  return answers;
}

function textOf(result: CallToolResult): string {
  return result.content
    .filter((item): item is { type: 'text'; text: string } => item.type === 'text')
    .map((item) => item.text)
    .join('\n');
}

function nonText(result: CallToolResult): CallToolResult['content'] {
  return result.content.filter((item) => item.type !== 'text');
}

function structuredOf(result: CallToolResult): Record<string, unknown> {
  return result.structuredContent ?? { text: textOf(result) };
}

type Describe = (instance: string) => string;

/**
 * Merges the answers of every instance: one text section per instance (header names the instance
 * and its labels), `structuredContent: {results: [{instance, ...}], unreachable: [{instance, error}]}`.
 * Unreachable instances are reported, not fatal; the result is an error only when no instance answered.
 */
export function mergeAnswers(tool: string, answers: readonly InstanceAnswer[], describe: Describe): FanOutOutcome {
  const results: Record<string, unknown>[] = [];
  const unreachable: Array<{ instance: string; error: string }> = [];
  const sections: string[] = [];
  const extra: CallToolResult['content'] = [];
  let answered = 0;
  for (const answer of answers) {
    if ('error' in answer) {
      unreachable.push({ instance: answer.instance, error: answer.error });
      continue;
    }
    const isError = answer.result.isError === true;
    if (!isError) answered += 1;
    results.push({ ...structuredOf(answer.result), instance: answer.instance, ...(isError ? { isError: true } : {}) });
    sections.push(`## ${describe(answer.instance)}${isError ? ' — error' : ''}\n${textOf(answer.result)}`);
    extra.push(...nonText(answer.result));
  }
  const summary = [`${tool} on ${answers.length} instance${answers.length === 1 ? '' : 's'}: ${answered} answered`];
  if (results.length > answered) summary.push(`${results.length - answered} returned an error`);
  if (unreachable.length > 0)
    summary.push(`${unreachable.length} unreachable (${unreachable.map((item) => item.instance).join(', ')})`);
  const unreachableText = unreachable.map((item) => `## unreachable: ${item.instance}\n${item.error}`);
  return {
    result: {
      content: [
        { type: 'text', text: [`${summary.join(', ')}.`, ...sections, ...unreachableText].join('\n\n') },
        ...extra,
      ],
      structuredContent: { results, unreachable },
      ...(answered === 0 ? { isError: true } : {}),
    },
    unreachable: unreachable.map((item) => item.instance),
    answered,
  };
}

/**
 * Resolves a single-object look-up (`get_application name=payments`) asked of every instance:
 * exactly one instance has it → its answer, labelled with the instance; several → an error naming
 * the candidates and asking for `instance`; none → an error with each instance's answer (they
 * usually suggest close matches). Unreachable instances are always named, since the object may
 * live there.
 */
export function resolveAnswers(tool: string, answers: readonly InstanceAnswer[], describe: Describe): FanOutOutcome {
  const found = answers.filter(
    (answer): answer is { instance: string; result: CallToolResult } =>
      'result' in answer && answer.result.isError !== true,
  );
  const missing = answers.filter(
    (answer): answer is { instance: string; result: CallToolResult } =>
      'result' in answer && answer.result.isError === true,
  );
  const unreachable = answers.filter((answer): answer is { instance: string; error: string } => 'error' in answer);
  const unreachableNote =
    unreachable.length > 0
      ? `Not checked (unreachable): ${unreachable.map((item) => `${item.instance}: ${item.error}`).join('; ')}.`
      : '';
  const unreachableList = unreachable.map((item) => ({ instance: item.instance, error: item.error }));
  const outcome = (result: CallToolResult): FanOutOutcome => ({
    result,
    unreachable: unreachable.map((item) => item.instance),
    answered: found.length,
  });

  const [only] = found;
  if (only && found.length === 1) {
    const text = [`Found on ${describe(only.instance)}.`, unreachableNote, textOf(only.result)]
      .filter(Boolean)
      .join('\n');
    return outcome({
      content: [{ type: 'text', text }, ...nonText(only.result)],
      structuredContent: {
        ...structuredOf(only.result),
        instance: only.instance,
        ...(unreachable.length > 0 ? { unreachable: unreachableList } : {}),
      },
    });
  }
  if (found.length > 1) {
    const names = found.map((answer) => answer.instance);
    const text =
      `${tool} matches on ${found.length} instances: ` +
      `${found.map((answer) => describe(answer.instance)).join('; ')}. Call ${tool} again with "instance" set to ` +
      `one of ${names.join(', ')}.${unreachableNote ? ` ${unreachableNote}` : ''}`;
    return outcome({
      content: [{ type: 'text', text }],
      structuredContent: { error: text, candidates: names, unreachable: unreachableList },
      isError: true,
    });
  }
  const answersText = missing.map(
    (answer) => `- ${answer.instance}: ${textOf(answer.result).split('\n').slice(0, 6).join(' ')}`,
  );
  const text = [
    unreachable.length > 0 && missing.length === 0
      ? `${tool}: no instance could be asked.`
      : `${tool}: not found on any reachable instance (${missing.map((answer) => answer.instance).join(', ')}).`,
    ...answersText,
    unreachableNote,
  ]
    .filter(Boolean)
    .join('\n');
  return outcome({
    content: [{ type: 'text', text }],
    structuredContent: {
      error: text,
      notFound: missing.map((answer) => ({ instance: answer.instance, ...structuredOf(answer.result) })),
      unreachable: unreachableList,
    },
    isError: true,
  });
}
