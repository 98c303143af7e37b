import type { IssueSink, LintContext } from './lint-types.js';

/** A sentence that forbids the action it names ("never kubectl edit") is advice, not an instruction. */
const NEGATION = /\b(?:never|not|don't|do not|avoid|instead of|rather than|no|without|forbidden|must not)\b/i;

const KUBECTL_WRITE =
  /\bkubectl\s+(?:-{1,2}[\w-]+(?:[= ]\S+)?\s+)*(?:edit|patch|apply|replace|set|scale|delete|label|annotate|create|rollout\s+(?:restart|undo)|autoscale|cordon|drain|taint)\b/i;
const ARGOCD_APP_WRITE = /\bargocd\s+app\s+(?:set|patch|edit|unset|sync|rollback|delete|create)\b/i;
const EDIT_VERB = String.raw`\b(?:edit|change|patch|modify|update|bump|set|override|add)\b[^.\n]{0,40}`;
const EDIT_ARGOCD_APP = new RegExp(`${EDIT_VERB}\\b(?:argo\\s*cd|argocd)\\s+app(?:lication)?s?\\b(?!['’]s)`, 'i');
const EDIT_APPLICATION_RESOURCE = new RegExp(
  `${EDIT_VERB}\\bapplication\\s+(?:manifest|resource|spec|object|cr|yaml|source)\\b`,
  'i',
);
const EDIT_APPLICATION_SPEC = new RegExp(`${EDIT_VERB}\\bspec\\.(?:source|sources|syncPolicy|destination)\\b`, 'i');

/** Whether a line tells people to change the Argo CD Application (capital-A Application is the CRD). */
function editsApplication(text: string): boolean {
  if (ARGOCD_APP_WRITE.test(text) || EDIT_ARGOCD_APP.test(text) || EDIT_APPLICATION_SPEC.test(text)) return true;
  return (
    EDIT_APPLICATION_RESOURCE.test(text) &&
    /\bApplication\s+(?:manifest|resource|spec|object|CR|YAML|source)\b/i.test(text) &&
    /\bApplication\b/.test(text)
  );
}
/** The part of the current sentence before a position, joining a wrapped previous line. */
function sentenceBefore(previousLine: string, head: string): string {
  const joined = `${previousLine} ${head}`;
  const parts = joined.split(/[.!?:](?:\s|$)|^\s*(?:[-*+]|\d+\.)\s/m);
  // The head on its own line starts a new sentence when it is a list item.
  if (/^\s*(?:[-*+]|\d+\.)\s/.test(head)) return head;
  return parts.at(-1) ?? joined;
}

const APPLICATION_KIND = /^\s*kind:\s*Application(?:Set)?\s*$/;

/**
 * `## Fix` sends people to git: the values file, kustomize overlay or manifest that Argo CD
 * syncs. It must not tell them to edit the Argo CD Application or to change production with
 * kubectl, which Argo CD would revert (self-heal) or which would silently drift from git.
 */
export function checkFixSection(context: LintContext, sink: IssueSink): void {
  const section = context.structure.sections.find((candidate) => candidate.title.toLowerCase() === 'fix');
  if (!section) return;
  const bodyLines = context.source.body.split('\n');
  for (let line = section.line + 1; line <= section.endLine; line += 1) {
    const text = bodyLines[line - context.source.bodyStartLine] ?? '';
    if (/--dry-run\b/.test(text)) continue;
    const kubectl = KUBECTL_WRITE.exec(text);
    // The negation must come before the command it forbids ("never `kubectl edit`"), in the
    // same sentence, which may have started on the previous line.
    if (
      kubectl &&
      !NEGATION.test(
        sentenceBefore(bodyLines[line - context.source.bodyStartLine - 1] ?? '', text.slice(0, kubectl.index)),
      )
    ) {
      sink.error(
        line,
        'fix-kubectl-write',
        '`## Fix` must not change production with kubectl; change the manifest, values file or overlay in git ' +
          'and let Argo CD sync it',
      );
    }
    const previous = bodyLines[line - context.source.bodyStartLine - 1] ?? '';
    if (
      (editsApplication(text) || APPLICATION_KIND.test(text)) &&
      !NEGATION.test(`${sentenceBefore(previous, '')} ${text}`)
    ) {
      sink.error(
        line,
        'fix-argocd-application',
        '`## Fix` must not edit the Argo CD Application; change the source it points at (values file, overlay, ' +
          'manifest in git)',
      );
    }
  }
}
