import type { RcaFinding } from '../rca/lint-rca.js';
import { documentDurations, type RcaDocument, type Source } from '../rca/rca-document.js';
import { formatUtc, sourceLabel } from '../rca/rca-markdown.js';
import type { RcaView } from '../rca/rca-service.js';
import type { RcaVersion } from '../store/rcas-repository.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { renderMarkdown } from './markdown.js';
import type { Reader } from './session.js';

/** A section's text, rendered as sanitised markdown. */
function paragraph(text: string): Html {
  return text.trim() === ''
    ? html`<p><em>(to be written)</em></p>`
    : html`<div class="md">${renderMarkdown(text)}</div>`;
}

function list(items: readonly string[]): Html {
  return items.length === 0
    ? html`<p><em>(to be written)</em></p>`
    : html`<ul>
        ${items.map((item) => html`<li>${renderMarkdown(item)}</li>`)}
      </ul>`;
}

function minutes(value: number | undefined): string {
  return value === undefined ? '—' : `${value} min`;
}

/** A source as a link: its URL when the record has one, else its entry in the Sources list. */
function sourceLink(source: Source, index: number): Html {
  const href = source.url && /^https?:\/\//.test(source.url) ? source.url : `#source-${index}`;
  return html`<a href="${href}" class="source">${sourceLabel(source)}</a>`;
}

export function hintsBlock(findings: readonly RcaFinding[]): Html {
  if (findings.length === 0) return html`<div class="hints"><p>No review hints: ready to publish.</p></div>`;
  return html`<div class="hints">
    <strong>Review hints</strong>
    <ul>
      ${findings.map(
        (finding) =>
          html`<li class="hint-${finding.level}">
            ${finding.level === 'human' ? 'To fill' : finding.level}: ${finding.message}
          </li>`,
      )}
    </ul>
  </div>`;
}

function managerBlock(view: RcaView): Html {
  const { rca, document: doc } = view;
  const durations = documentDurations(doc);
  return html`<section class="manager">
    <h1>${doc.title}</h1>
    <table>
      <tr>
        <th>Status</th>
        <th>Severity</th>
        <th>Team</th>
        <th>Service</th>
        <th>Started</th>
        <th>Time to detect</th>
        <th>Time to recover</th>
      </tr>
      <tr>
        <td><span class="status status-${rca.status}">${rca.status.replace('_', ' ')}</span> v${rca.version}</td>
        <td>${doc.severity}</td>
        <td>${rca.team ?? '—'}</td>
        <td>${doc.service ?? '—'}</td>
        <td>${formatUtc(doc.detection.startedAt)}</td>
        <td>${minutes(durations.minutesToDetect)}</td>
        <td>${minutes(durations.minutesToRecover)}</td>
      </tr>
    </table>
    <h2>Summary</h2>
    ${paragraph(doc.summary)}
  </section>`;
}

function timeline(doc: RcaDocument): Html {
  if (doc.timeline.length === 0) return html`<p><em>(no timeline yet)</em></p>`;
  return html`<table class="timeline">
    <thead>
      <tr>
        <th>Time (UTC)</th>
        <th>Who</th>
        <th>What</th>
        <th>Source</th>
      </tr>
    </thead>
    <tbody>
      ${doc.timeline.map(
        (row, index) =>
          html`<tr>
            <td>${formatUtc(row.at).replace(' UTC', '')}</td>
            <td>${row.actor}</td>
            <td>${row.text}</td>
            <td>${sourceLink(row.source, index)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function ticketCell(ticket: string): Html | string {
  if (ticket === '') return '—';
  return /^https?:\/\//.test(ticket) ? html`<a href="${ticket}">ticket</a>` : ticket;
}

function actionItems(doc: RcaDocument): Html {
  if (doc.actionItems.length === 0) return html`<p><em>(no action items yet)</em></p>`;
  return html`<table class="action-items">
    <thead>
      <tr>
        <th>Action</th>
        <th>Owner</th>
        <th>Due</th>
        <th>Ticket</th>
      </tr>
    </thead>
    <tbody>
      ${doc.actionItems.map(
        (item) =>
          html`<tr>
            <td>${item.text}</td>
            <td>${item.owner || 'unassigned'}</td>
            <td>${item.due || 'none'}</td>
            <td>${ticketCell(item.ticket)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function sources(doc: RcaDocument): Html {
  return html`<section class="sources">
    <h2>Sources</h2>
    <ol>
      ${doc.timeline.map(
        (row, index) =>
          html`<li id="source-${index}">${row.source.kind}: <code>${row.source.ref}</code> (${formatUtc(row.at)})</li>`,
      )}
    </ol>
  </section>`;
}

function actionsBar(view: RcaView, csrf: string, canEdit: boolean): Html {
  const id = encodeURIComponent(view.rca.id);
  const status = (to: string, label: string) =>
    html`<form method="post" action="/rcas/${id}/status">
      <input type="hidden" name="csrf" value="${csrf}" /> <input type="hidden" name="status" value="${to}" /><button
        type="submit"
      >
        ${label}
      </button>
    </form>`;
  const edit = canEdit && view.rca.status !== 'published';
  return html`<p class="actions no-print">
    ${edit ? html`<a href="/rcas/${id}/edit">Edit</a> · ` : ''} <a href="/rcas/${id}/history">History</a> ·
    <a href="/rcas/${id}.md">Export markdown</a>
    ${edit && view.rca.status === 'draft' ? status('in_review', 'Send for review') : ''}
    ${edit && view.rca.status === 'in_review' ? status('published', 'Publish') : ''}
    ${edit && view.rca.status === 'in_review' ? status('draft', 'Back to draft') : ''}
  </p>`;
}

/** One RCA, manager block first; print-friendly (the browser's Save as PDF drops the chrome). */
export function rcaPage(
  reader: Reader,
  view: RcaView,
  options: { csrf: string; canEdit: boolean; notice?: string },
): Html {
  const doc = view.document;
  const durations = documentDurations(doc);
  const content = html`${options.notice ? html`<p class="notice">${options.notice}</p>` : ''}
    ${actionsBar(view, options.csrf, options.canEdit)} ${managerBlock(view)}
    ${view.rca.status === 'published' ? '' : hintsBlock(view.findings)}
    <h2>Impact</h2>
    ${paragraph(doc.impact)}
    <h2>Trigger</h2>
    ${paragraph(doc.trigger)}
    <h2>Root cause and contributing factors</h2>
    ${paragraph(doc.rootCause)}
    ${
      doc.contributingFactors.length > 0
        ? html`<h3>Contributing factors</h3>
            ${list(doc.contributingFactors)}`
        : ''
    }
    <h2>Detection</h2>
    ${paragraph(doc.detection.text)}
    <p>Time to detect: ${minutes(durations.minutesToDetect)}</p>
    <h2>Response and timeline</h2>
    ${timeline(doc)}
    <h2>Resolution</h2>
    ${paragraph(doc.resolution.text)}
    <p>Recovered: ${formatUtc(doc.resolution.resolvedAt)} · time to recover: ${minutes(durations.minutesToRecover)}</p>
    <h2>Action items</h2>
    ${actionItems(doc)}
    <h2>Lessons</h2>
    <h3>Went well</h3>
    ${list(doc.lessons.wentWell)}
    <h3>Went wrong</h3>
    ${list(doc.lessons.wentWrong)}
    <h3>Got lucky</h3>
    ${list(doc.lessons.gotLucky)} ${sources(doc)}
    <p><small>RCA ${view.rca.id}, drafted by sre-bot (${doc.mode} mode) from its records.</small></p>`;
  return layout(doc.title, reader, content);
}

/** Every version: who, when, which fields changed, the state it left. */
export function historyPage(reader: Reader, view: RcaView, versions: readonly RcaVersion[]): Html {
  const content = html`<h1>History: ${view.document.title}</h1>
    <p><a href="/rcas/${encodeURIComponent(view.rca.id)}">Back to the RCA</a></p>
    <table class="history">
      <thead>
        <tr>
          <th>Version</th>
          <th>When (UTC)</th>
          <th>Who</th>
          <th>State</th>
          <th>What changed</th>
        </tr>
      </thead>
      <tbody>
        ${versions.map(
          (version) =>
            html`<tr>
              <td>v${version.version}</td>
              <td>${formatUtc(version.editedAt.toISOString())}</td>
              <td>${version.editedBy}</td>
              <td>${version.status.replace('_', ' ')}</td>
              <td>${version.changes.join(', ')}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  return layout('History', reader, content);
}
