import { citeSkill, type Answer } from '../answer.js';

function usageLine(answer: Answer): string {
  const { usage } = answer;
  const tokens =
    usage.inputTokens + usage.outputTokens > 0
      ? `, ${usage.inputTokens} in / ${usage.outputTokens} out tokens (${usage.cachedTokens} cached), ` +
        (usage.costUsd === null ? 'cost unknown' : `$${usage.costUsd.toFixed(4)}`)
      : '';
  const model = answer.mode === 'model' ? `model ${usage.model ?? 'unknown'}` : 'triage (no model)';
  return `${model}, ${usage.toolCalls} tool calls, ${(answer.durationMs / 1_000).toFixed(1)} s${tokens}`;
}

/** The answer as plain text for terminals and logs-free output (CLI `ask`, the console demo). */
export function renderAnswerText(answer: Answer): string {
  const lines = [`Root cause: ${answer.rootCause}`, '', answer.summary, '', 'Evidence:'];
  for (const item of answer.evidence) lines.push(`  - ${item.text}  [${item.source}]`);
  if (answer.nextSteps.length > 0) {
    lines.push('', 'Next steps:');
    answer.nextSteps.forEach((step, index) => lines.push(`  ${index + 1}. ${step}`));
  }
  if (answer.fix) {
    lines.push('', `Fix: ${answer.fix.description}`);
    if (answer.fix.path) lines.push(`  file: ${answer.fix.path}`);
    if (answer.fix.change) lines.push(...answer.fix.change.split('\n').map((line) => `  ${line}`));
  }
  lines.push('', `Confidence: ${answer.confidence}`);
  if (answer.skills.length > 0)
    lines.push(`Skills: ${answer.skills.map((name) => citeSkill(answer, name)).join(', ')}`);
  if (answer.instances.length > 0) lines.push(`Instances: ${answer.instances.join(', ')}`);
  for (const note of answer.notes) lines.push(`Note: ${note}`);
  lines.push(`(${usageLine(answer)}${answer.traceId ? `, trace ${answer.traceId}` : ''})`);
  return lines.join('\n');
}

export { usageLine };
