import { html, type Html } from './html.js';
import type { Reader } from './session.js';

/** The stylesheet (served from /static/rca.css, so the CSP needs no inline styles). */
export const STYLESHEET = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1b; }
header.top { background: #16324f; color: #fff; padding: .5rem 1rem; display: flex; gap: 1rem; align-items: center; }
header.top a { color: #fff; } header.top .who { margin-left: auto; }
main { max-width: 1100px; margin: 1rem auto; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
.manager { background: #f6f8fb; border: 1px solid #ccd; padding: .5rem 1rem; margin-bottom: 1rem; }
.hint-error { color: #a00; } .hint-warning { color: #8a5a00; } .hint-human { color: #1a4f8a; }
.hints { border-left: 4px solid #e0a800; padding: .25rem 1rem; background: #fffbea; }
.status { display: inline-block; padding: 0 .5rem; border-radius: 3px; background: #dde; }
.status-published { background: #cfe9d6; } .status-in_review { background: #fde7b0; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
form.filters label { display: flex; flex-direction: column; font-size: 13px; }
textarea { width: 100%; min-height: 4rem; font: inherit; } input[type=text] { width: 100%; }
.edit label { display: block; margin-top: .75rem; font-weight: 600; }
.actions form { display: inline; } .notice { background: #e7f3ff; padding: .5rem 1rem; }
.chart { margin: 1rem 0; } .chart svg { max-width: 100%; height: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; }
@media print { header.top, .actions, .hints, .no-print, form { display: none !important; } main { max-width: none; }
  a { color: inherit; text-decoration: none; } table { page-break-inside: auto; } tr { page-break-inside: avoid; } }
`;

/** Every page: a header with navigation and the reader, then the content. */
export function layout(title: string, reader: Reader | undefined, content: Html): Html {
  const who = reader
    ? html`<span class="who"
        >${reader.name} · ${reader.teams.join(', ') || 'no team'} · <a href="/logout">Sign out</a></span
      >`
    : html``;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · sre-bot RCAs</title>
        <link rel="stylesheet" href="/static/rca.css" />
      </head>
      <body>
        <header class="top">
          <strong>sre-bot RCAs</strong><a href="/rcas">Index</a><a href="/overview">Overview</a>${who}
        </header>
        <main>${content}</main>
      </body>
    </html>`;
}

/** One plain sentence plus the trace id; never a stack. */
export function errorPage(reader: Reader | undefined, sentence: string, traceId: string): Html {
  return layout(
    'Error',
    reader,
    html`<h1>Sorry</h1>
      <p>${sentence}</p>
      <p>Trace id: <code>${traceId}</code></p>`,
  );
}
