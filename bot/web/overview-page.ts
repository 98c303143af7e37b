import type { Rca } from '../store/rcas-repository.js';
import { lastWeeks, lineChart, stackedBarChart, weekOf, type ChartSeries } from './charts.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import type { Reader } from './session.js';

export const OVERVIEW_WEEKS = 12;
const MAX_SERVICES = 6;

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Incidents per week per service (the busiest services, the rest as "other"). */
export function incidentsPerService(rcas: readonly Rca[], weeks: readonly string[]): ChartSeries[] {
  const counts = new Map<string, number>();
  for (const rca of rcas) counts.set(rca.service ?? 'unknown', (counts.get(rca.service ?? 'unknown') ?? 0) + 1);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_SERVICES)
    .map(([service]) => service);
  const labels = counts.size > top.length ? [...top, 'other'] : top;
  const index = new Map(weeks.map((week, position) => [week, position]));
  const series = labels.map((label) => ({ label, values: weeks.map(() => 0) }));
  for (const rca of rcas) {
    const position = index.get(weekOf(rca.incidentAt ?? rca.createdAt));
    if (position === undefined) continue;
    const service = rca.service ?? 'unknown';
    const entry = series[top.includes(service) ? top.indexOf(service) : labels.length - 1];
    if (entry) entry.values[position] = (entry.values[position] ?? 0) + 1;
  }
  return series;
}

/** Median time to detect and to recover per week, in minutes. */
export function durationsPerWeek(rcas: readonly Rca[], weeks: readonly string[]): ChartSeries[] {
  const pick = (field: 'minutesToDetect' | 'minutesToRecover') =>
    weeks.map((week) =>
      median(
        rcas
          .filter((rca) => weekOf(rca.incidentAt ?? rca.createdAt) === week)
          .flatMap((rca) => (rca[field] === undefined ? [] : [rca[field]])),
      ),
    );
  return [
    { label: 'time to detect', values: pick('minutesToDetect') },
    { label: 'time to recover', values: pick('minutesToRecover') },
  ];
}

/** The overview: four charts over the last weeks, scoped to what the reader may see. */
export async function overviewPage(
  reader: Reader,
  rcas: readonly Rca[],
  followUps: ReadonlyArray<{ week: string; fixPrsMerged: number; helpful: number }>,
  now: Date,
): Promise<Html> {
  const weeks = lastWeeks(now, OVERVIEW_WEEKS);
  const byWeek = new Map(followUps.map((entry) => [entry.week, entry]));
  const merged = [{ label: 'fix PRs merged', values: weeks.map((week) => byWeek.get(week)?.fixPrsMerged ?? 0) }];
  const helpful = [{ label: 'helpful answers', values: weeks.map((week) => byWeek.get(week)?.helpful ?? 0) }];
  const charts = await Promise.all([
    stackedBarChart('Incidents per week per service', weeks, incidentsPerService(rcas, weeks)),
    lineChart('Time to detect and to recover (median minutes)', weeks, durationsPerWeek(rcas, weeks)),
    stackedBarChart('Fix PRs merged per week', weeks, merged),
    stackedBarChart('Answers marked helpful per week', weeks, helpful),
  ]);
  const content = html`<h1>Overview</h1>
    <p>Last ${OVERVIEW_WEEKS} weeks, ${rcas.length} RCAs in your teams.</p>
    <div class="charts">${charts}</div>`;
  return layout('Overview', reader, content);
}
