import type { Rca, RcaFilter } from '../store/rcas-repository.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import type { Reader } from './session.js';

/** The filter values of the index, as typed into the form. */
export interface IndexQuery {
  team?: string;
  service?: string;
  severity?: string;
  status?: string;
  from?: string;
  to?: string;
  q?: string;
  page?: string;
}

/** Rows per index page. */
export const PAGE_SIZE = 100;

const STATUSES = ['draft', 'in_review', 'published'] as const;
const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4', 'unknown'] as const;

/** The form's query as a store filter; dates that do not parse are ignored, not guessed. */
export function indexFilter(query: IndexQuery, teams: readonly string[] | undefined): RcaFilter {
  const date = (value: string | undefined) => (value && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
  const from = date(query.from);
  const to = date(query.to);
  return {
    ...(teams ? { teams } : {}),
    ...(query.team ? { team: query.team } : {}),
    ...(query.service ? { service: query.service } : {}),
    ...(query.severity ? { severity: query.severity } : {}),
    ...(query.status && (STATUSES as readonly string[]).includes(query.status)
      ? { status: query.status as RcaFilter['status'] & string }
      : {}),
    ...(from ? { from } : {}),
    ...(to ? { to: new Date(to.getTime() + 86_400_000) } : {}),
    ...(query.q ? { search: query.q.slice(0, 200) } : {}),
    limit: PAGE_SIZE,
    offset: (Math.max(1, Math.floor(Number(query.page ?? '1')) || 1) - 1) * PAGE_SIZE,
  };
}

function select(name: string, label: string, values: readonly string[], current: string | undefined): Html {
  return html`<label
    >${label}<select name="${name}">
      <option value="">any</option>
      ${values.map(
        (value) =>
          html`<option value="${value}" ${current === value ? html` selected` : ''}>
            ${value.replace('_', ' ')}
          </option>`,
      )}
    </select></label
  >`;
}

function row(rca: Rca): Html {
  const when = (rca.incidentAt ?? rca.createdAt).toISOString().slice(0, 16).replace('T', ' ');
  const minutes = (value: number | undefined) => (value === undefined ? '—' : `${value} min`);
  return html`<tr>
    <td>${when}</td>
    <td><a href="/rcas/${encodeURIComponent(rca.id)}">${rca.title}</a></td>
    <td>${rca.team ?? '—'}</td>
    <td>${rca.service ?? '—'}</td>
    <td>${rca.severity}</td>
    <td><span class="status status-${rca.status}">${rca.status.replace('_', ' ')}</span></td>
    <td>${minutes(rca.minutesToDetect)}</td>
    <td>${minutes(rca.minutesToRecover)}</td>
  </tr>`;
}

/** The index: filters (team, service, severity, status, dates, words) and one row per RCA. */
export function indexPage(
  reader: Reader,
  rcas: readonly Rca[],
  query: IndexQuery,
  options: { teams: readonly string[]; services: readonly string[]; total: number },
): Html {
  const page = Math.max(1, Math.floor(Number(query.page ?? '1')) || 1);
  const pages = Math.max(1, Math.ceil(options.total / PAGE_SIZE));
  const link = (to: number) => {
    const params = new URLSearchParams(Object.entries({ ...query, page: String(to) }).filter(([, v]) => v));
    return `/rcas?${params.toString()}`;
  };
  const content = html`<h1>Incident reviews</h1>
    <form class="filters" method="get" action="/rcas">
      ${select('team', 'Team', options.teams, query.team)}
      ${select('service', 'Service', options.services, query.service)}
      ${select('severity', 'Severity', SEVERITIES, query.severity)}
      ${select('status', 'Status', STATUSES, query.status)}
      <label>From<input type="date" name="from" value="${query.from ?? ''}" /></label>
      <label>To<input type="date" name="to" value="${query.to ?? ''}" /></label>
      <label>Search<input type="search" name="q" value="${query.q ?? ''}" /></label>
      <button type="submit">Filter</button>
    </form>
    <p class="count">
      ${options.total} RCA${options.total === 1 ? '' : 's'}${pages > 1 ? ` · page ${page} of ${pages}` : ''}
      ${page > 1 ? html` · <a href="${link(page - 1)}" rel="prev">previous</a>` : ''}
      ${page < pages ? html` · <a href="${link(page + 1)}" rel="next">next</a>` : ''}
    </p>
    <table class="index">
      <thead>
        <tr>
          <th>Started (UTC)</th>
          <th>Title</th>
          <th>Team</th>
          <th>Service</th>
          <th>Severity</th>
          <th>Status</th>
          <th>Time to detect</th>
          <th>Time to recover</th>
        </tr>
      </thead>
      <tbody>
        ${rcas.map(row)}
      </tbody>
    </table>`;
  return layout('Index', reader, content);
}
