import type { EvidenceBundle } from '../../skills/evidence.js';
import type { Finding } from '../answer.js';
import { candidateTerms } from '../resolve/question-terms.js';
import type { TriageScope } from './triage-scope.js';

const MAX_EVIDENCE = 8;

/** The evidence its formatter flagged from the structured result as a problem, used when no skill matched. */
function notableEvidence(evidence: EvidenceBundle): EvidenceBundle {
  return evidence.filter((item) => item.isProblem === true);
}

/** The answer when no skill matched: the notable evidence, or an honest account of what was (not) checked. */
export function unmatched(question: string, evidence: EvidenceBundle, scope: TriageScope): Finding {
  const notable = notableEvidence(evidence).slice(0, MAX_EVIDENCE);
  const notChecked =
    scope.unreachable && scope.unreachable.length > 0
      ? ` ${scope.unreachable.join(', ')} did not answer and could not be checked.`
      : '';
  if (notable.length > 0) {
    return {
      summary: 'No known fault signature matched; these are the problems found.',
      rootCause: `Undetermined. The most relevant signal: ${notable[0]?.text ?? ''}${notChecked}`,
      evidence: notable.map((item) => ({ text: item.text.slice(0, 600), source: item.source })),
      confidence: 'low',
      nextSteps: [
        'Check the application name and environment in the question.',
        'Ask the owning team or escalate to the on-call SRE.',
      ],
    };
  }
  if (scope.swept) {
    return {
      summary: 'Nothing looks broken right now.',
      rootCause:
        `Nothing found: no Argo CD app is unhealthy or out of sync, every Deployment and StatefulSet is ready, ` +
        `and no policy result fails.${notChecked}`,
      evidence: [
        {
          text:
            'Every Argo CD app, every not-ready Deployment and StatefulSet, and the failing policy results of ' +
            'every instance were listed; none was found.',
          source: 'sre-bot/triage',
        },
      ],
      confidence: notChecked ? 'low' : 'medium',
      nextSteps: [
        'Name the app or service and what fails (error message, time), and ask again.',
        'If users see errors, check the ingress or the dependency they call: it may be outside the clusters ' +
          'sre-bot sees.',
      ],
    };
  }
  if (evidence.length === 0) {
    const terms = candidateTerms(question);
    return {
      summary: 'Nothing the question names was found.',
      rootCause:
        `Undetermined: no Argo CD app, workload or namespace matching ` +
        `${terms.length > 0 ? terms.map((term) => `"${term}"`).join(', ') : 'the question'} was found, so nothing ` +
        `was checked.${notChecked}`,
      evidence: [
        {
          text:
            `Looked up ${terms.length > 0 ? terms.join(', ') : 'the question'} on every Argo CD instance and ` +
            `cluster: no match.`,
          source: 'sre-bot/resolve',
        },
      ],
      confidence: 'low',
      nextSteps: [
        'Check the spelling of the app or service name (the Argo CD application name is the surest).',
        'Ask "what is wrong in prod?" to have every instance checked for broken apps and workloads.',
      ],
    };
  }
  return {
    summary: 'No problem was found in the gathered state.',
    rootCause: `Undetermined: the workloads, Argo CD applications and policies checked look healthy.${notChecked}`,
    evidence: [{ text: 'No warnings, failed syncs or policy violations found.', source: 'sre-bot/triage' }],
    confidence: 'low',
    nextSteps: [
      'Check the application name and environment in the question.',
      'Ask the owning team or escalate to the on-call SRE.',
    ],
  };
}
