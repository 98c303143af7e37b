import { SEVERITIES, type ActionItem, type RcaDocument } from '../rca/rca-document.js';
import type { RcaView } from '../rca/rca-service.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { hintsBlock } from './rca-page.js';
import type { Reader } from './session.js';

const ACTION_HINT = 'One per line: what | owner | YYYY-MM-DD | ticket link';
const lines = (items: readonly string[]) => items.join('\n');
const actionLines = (items: readonly ActionItem[]) =>
  items.map((item) => [item.text, item.owner, item.due, item.ticket].join(' | ')).join('\n');

function textArea(name: string, label: string, value: string, hint?: string): Html {
  return html`<label for="${name}">${label}</label>${hint ? html`<small>${hint}</small>` : ''}
    <textarea id="${name}" name="${name}">${value}</textarea>`;
}

function textInput(name: string, label: string, value: string, hint?: string): Html {
  return html`<label for="${name}">${label}</label>${hint ? html`<small>${hint}</small>` : ''}
    <input type="text" id="${name}" name="${name}" value="${value}" />`;
}

/** The whole document as a form (timeline rows stay as the records gave them). */
export function editPage(reader: Reader, view: RcaView, options: { csrf: string; error?: string }): Html {
  const doc = view.document;
  const id = encodeURIComponent(view.rca.id);
  const content = html`<h1>Edit: ${doc.title}</h1>
    ${options.error ? html`<p class="notice hint-error" role="alert">${options.error}</p>` : ''}
    ${hintsBlock(view.findings)}
    <form class="edit" method="post" action="/rcas/${id}/edit">
      <input type="hidden" name="csrf" value="${options.csrf}" /><input
        type="hidden"
        name="version"
        value="${view.rca.version}"
      />
      ${textInput('title', 'Title', doc.title)}
      <label for="severity">Severity</label
      ><select id="severity" name="severity">
        ${SEVERITIES.map(
          (severity) =>
            html`<option value="${severity}" ${doc.severity === severity ? html` selected` : ''}>${severity}</option>`,
        )}
      </select>
      ${textArea('summary', 'Summary', doc.summary, 'One or two sentences in business terms.')}
      ${textArea('impact', 'Impact', doc.impact)} ${textArea('trigger', 'Trigger', doc.trigger)}
      ${textArea('rootCause', 'Root cause', doc.rootCause)}
      ${textArea('contributingFactors', 'Contributing factors', lines(doc.contributingFactors), 'One per line.')}
      ${textInput('startedAt', 'Incident started (UTC, ISO 8601)', doc.detection.startedAt ?? '')}
      ${textInput('detectedAt', 'Detected (UTC, ISO 8601)', doc.detection.detectedAt ?? '')}
      ${textArea('detection', 'Detection', doc.detection.text)}
      ${textInput('resolvedAt', 'Recovered (UTC, ISO 8601)', doc.resolution.resolvedAt ?? '')}
      ${textArea('resolution', 'Resolution', doc.resolution.text)}
      ${textArea('actionItems', 'Action items', actionLines(doc.actionItems), ACTION_HINT)}
      ${textArea('wentWell', 'Went well', lines(doc.lessons.wentWell), 'One per line.')}
      ${textArea('wentWrong', 'Went wrong', lines(doc.lessons.wentWrong), 'One per line.')}
      ${textArea('gotLucky', 'Got lucky', lines(doc.lessons.gotLucky), 'One per line.')}
      <p><button type="submit">Save</button> <a href="/rcas/${id}">Cancel</a></p>
    </form>`;
  return layout(`Edit ${doc.title}`, reader, content);
}

const splitLines = (value: string | undefined) =>
  (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

function isoOrUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return undefined;
  const time = Date.parse(trimmed);
  return Number.isNaN(time) ? trimmed : new Date(time).toISOString();
}

/**
 * The submitted form as a document patch. Values are passed on as typed; the service's schema
 * rejects what is wrong (a bad date, an unknown severity) with a message naming the field.
 */
export function parseEditForm(form: URLSearchParams): { patch: Partial<RcaDocument>; version: number } {
  const get = (name: string) => form.get(name) ?? '';
  const startedAt = isoOrUndefined(get('startedAt'));
  const detectedAt = isoOrUndefined(get('detectedAt'));
  const resolvedAt = isoOrUndefined(get('resolvedAt'));
  const actionItems = splitLines(get('actionItems')).map((line) => {
    const [text = '', owner = '', due = '', ticket = ''] = line.split('|').map((part) => part.trim());
    return { text, owner, due, ticket };
  });
  const patch = {
    title: get('title').trim(),
    severity: get('severity') as RcaDocument['severity'],
    summary: get('summary').trim(),
    impact: get('impact').trim(),
    trigger: get('trigger').trim(),
    rootCause: get('rootCause').trim(),
    contributingFactors: splitLines(get('contributingFactors')),
    detection: {
      ...(startedAt ? { startedAt } : {}),
      ...(detectedAt ? { detectedAt } : {}),
      text: get('detection').trim(),
    },
    resolution: { ...(resolvedAt ? { resolvedAt } : {}), text: get('resolution').trim() },
    actionItems,
    lessons: {
      wentWell: splitLines(get('wentWell')),
      wentWrong: splitLines(get('wentWrong')),
      gotLucky: splitLines(get('gotLucky')),
    },
  } satisfies Partial<RcaDocument>;
  return { patch, version: Number(get('version')) };
}
