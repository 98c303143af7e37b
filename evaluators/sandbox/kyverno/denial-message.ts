/**
 * Kyverno's admission denial text, as kubectl prints it after `Error from server: ...`:
 *
 *   admission webhook "validate.kyverno.svc-fail" denied the request:
 *
 *   resource Deployment/shop/checkout was blocked due to the following policies
 *
 *   disallow-latest-tag:
 * autogen-validate-image-tag: 'validation error: ... rule autogen-validate-image-tag failed at path
 * /spec/template/spec/containers/0/image/'
 */
import type { AdmissionDenial, KubeObject } from '../kube/cluster-api.js';

/** The webhook name Kyverno registers for fail-closed validation. */
export const KYVERNO_WEBHOOK = 'validate.kyverno.svc-fail';

/** Formats the full denial message for an object and its denials. */
export function formatAdmissionDenial(object: KubeObject, denials: AdmissionDenial[]): string {
  const byPolicy = new Map<string, AdmissionDenial[]>();
  for (const denial of denials) byPolicy.set(denial.policy, [...(byPolicy.get(denial.policy) ?? []), denial]);
  const lines = [
    `admission webhook "${KYVERNO_WEBHOOK}" denied the request: `,
    '',
    `resource ${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name} was blocked due to the ` +
      `following policies `,
    '',
  ];
  for (const [policy, entries] of byPolicy) {
    lines.push(`${policy}:`);
    for (const entry of entries) lines.push(`  ${entry.rule}: ${yamlQuote(entry.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Quotes like a YAML emitter: single quotes, doubled inside, when the text needs quoting. */
function yamlQuote(text: string): string {
  if (/^[A-Za-z0-9 ._/-]*$/.test(text) && !text.includes(': ')) return text;
  return `'${text.replaceAll("'", "''")}'`;
}
