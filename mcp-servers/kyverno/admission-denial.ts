/** One policy rule that blocked a request. */
export interface ParsedDenial {
  policy: string;
  rule: string;
  message: string;
}

/** A Kyverno admission rejection parsed out of an API error, event or Argo CD sync message. */
export interface ParsedRejection {
  /** `Kind/namespace/name` or `Kind/name`, when the message names it. */
  resource?: string;
  denials: ParsedDenial[];
}

const BLOCKED = /resource\s+(\S+)\s+was blocked due to the following policies/i;

function unquote(text: string): string {
  const trimmed = text.trim();
  return /^'.*'$/s.test(trimmed) || /^".*"$/s.test(trimmed) ? trimmed.slice(1, -1).replace(/''/g, "'") : trimmed;
}

/**
 * Parses Kyverno's denial text ("admission webhook \"validate.kyverno.svc-fail\" denied the
 * request: resource Deployment/shop/api was blocked due to the following policies\n\npolicy:\n
 * rule: 'validation error: ...'"), multi-line or flattened onto one line as some tools print it.
 * Returns undefined when the text is not a Kyverno denial.
 */
export function parseAdmissionDenial(text: string): ParsedRejection | undefined {
  const event = parsePolicyViolationEvent(text);
  if (event) return event;
  const isDenial = /denied the request/i.test(text) || BLOCKED.test(text);
  if (!isDenial) return undefined;
  const resource = BLOCKED.exec(text)?.[1];
  const after = BLOCKED.test(text)
    ? text.slice((BLOCKED.exec(text)?.index ?? 0) + (BLOCKED.exec(text)?.[0].length ?? 0))
    : text.slice(text.search(/denied the request:?/i) + 'denied the request'.length).replace(/^:/, '');
  const denials: ParsedDenial[] = [];
  const lines = after.split(/\r?\n|\\n/);
  if (lines.filter((line) => line.trim()).length > 1) {
    let policy: string | undefined;
    for (const line of lines) {
      if (!line.trim()) continue;
      const policyLine = /^(\S[^:]*):\s*$/.exec(line);
      const ruleLine = /^\s+([^:\s][^:]*):\s*(.+)$/.exec(line);
      if (policyLine?.[1]) policy = policyLine[1].trim();
      else if (ruleLine?.[1] && policy)
        denials.push({ policy, rule: ruleLine[1].trim(), message: unquote(ruleLine[2] ?? '') });
    }
  }
  if (denials.length === 0) {
    // Flattened form: "policy: rule: 'message'" repeated.
    for (const match of after.matchAll(
      /([a-z0-9][-a-z0-9.]*):\s+([a-z0-9][-a-z0-9.]*):\s+('(?:[^']|'')*'|"[^"]*"|[^\n]+?)(?=\s+[a-z0-9][-a-z0-9.]*:\s+[a-z0-9][-a-z0-9.]*:\s|$)/g,
    )) {
      if (match[1] && match[2]) denials.push({ policy: match[1], rule: match[2], message: unquote(match[3] ?? '') });
    }
  }
  if (denials.length === 0) {
    const message = after.trim();
    if (message) denials.push({ policy: '?', rule: '?', message });
  }
  return { ...(resource ? { resource } : {}), denials };
}

const POLICY_EVENT =
  /^(?:policy\s+(\S+)\/(\S+)\s+fail:\s*)?(\w+)\s+(\S+):\s+\[([^\]]+)\]\s+fail\s+\(blocked\);\s*([\s\S]*)$/;

/**
 * Parses the PolicyViolation event Kyverno records on a policy when it blocks a request:
 * `Deployment shop/checkout: [check-team] fail (blocked); validation error: ...`. The policy name
 * is not in the text (it is the event's object), so it is left as '?' for the caller to fill.
 */
function parsePolicyViolationEvent(text: string): ParsedRejection | undefined {
  const match = POLICY_EVENT.exec(text.trim());
  if (!match) return undefined;
  const [, policy, , kind, resource, rules = '', message = ''] = match;
  return {
    resource: `${kind}/${resource}`,
    denials: rules.split(',').map((rule) => ({ policy: policy ?? '?', rule: rule.trim(), message: message.trim() })),
  };
}
