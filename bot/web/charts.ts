import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { html, rawHtml, type Html } from './html.js';

/**
 * Server-side SVG charts drawn by Vega-Lite (compiled to a Vega view rendered headless to an SVG
 * string): no script and no client library on the page. Vega escapes every label it writes
 * (service names come from records), and the SVG is the library's output, not hand-built markup.
 */
export interface ChartSeries {
  label: string;
  values: ReadonlyArray<number | undefined>;
}

const WIDTH = 560;
const HEIGHT = 160;

/** One row per (week, series) with a value; a missing value is left out (a gap in a line). */
function rows(weeks: readonly string[], series: readonly ChartSeries[]) {
  return series.flatMap((entry) =>
    weeks.flatMap((week, index) => {
      const value = entry.values[index];
      return value === undefined ? [] : [{ week: week.slice(5), series: entry.label.slice(0, 24), value }];
    }),
  );
}

async function render(title: string, spec: TopLevelSpec): Promise<Html> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return html`<figure class="chart">
      <figcaption>${title}</figcaption>
      ${rawHtml(svg.replace('<svg ', `<svg role="img" aria-label="${title.replace(/[^\w ()]/g, '')}" `))}
    </figure>`;
  } finally {
    view.finalize();
  }
}

function encoding(series: readonly ChartSeries[], yTitle: string) {
  return {
    y: { field: 'value', type: 'quantitative' as const, title: yTitle, aggregate: 'sum' as const },
    color: {
      field: 'series',
      type: 'nominal' as const,
      title: null,
      sort: series.map((entry) => entry.label.slice(0, 24)),
      legend: { orient: 'bottom' as const },
    },
  };
}

/** The week axis shows every week of the window, even those without data. */
function weekAxis(weeks: readonly string[]) {
  const labels = weeks.map((week) => week.slice(5));
  return { field: 'week', type: 'ordinal' as const, title: 'week', sort: labels, scale: { domain: labels } };
}

/** Stacked bars: one bar per week, one segment per series; whole-number ticks from zero. */
export function stackedBarChart(
  title: string,
  weeks: readonly string[],
  series: readonly ChartSeries[],
): Promise<Html> {
  const totals = weeks.map((_, index) => series.reduce((sum, entry) => sum + (entry.values[index] ?? 0), 0));
  const base = encoding(series, 'count');
  return render(title, {
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows(weeks, series).filter((row) => row.value > 0) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      ...base,
      x: weekAxis(weeks),
      y: {
        ...base.y,
        scale: { domain: [0, Math.max(1, ...totals)] },
        axis: { tickMinStep: 1, format: 'd' },
      },
    },
  });
}

/** Lines with points over weeks; a missing value breaks the line. */
export function lineChart(title: string, weeks: readonly string[], series: readonly ChartSeries[]): Promise<Html> {
  const values = series.flatMap((entry) => entry.values.filter((value): value is number => value !== undefined));
  const base = encoding(series, 'minutes');
  return render(title, {
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows(weeks, series) },
    mark: { type: 'line', point: true },
    encoding: {
      ...base,
      x: weekAxis(weeks),
      y: { ...base.y, scale: { domain: [0, Math.max(1, ...values)], nice: true }, axis: { format: 'd' } },
    },
  });
}

/** Monday (UTC) of the week a date falls in, as YYYY-MM-DD. */
export function weekOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

/** The `count` week starts ending with the week of `end`. */
export function lastWeeks(end: Date, count: number): string[] {
  const last = new Date(`${weekOf(end)}T00:00:00Z`);
  return Array.from({ length: count }, (_, index) => {
    const week = new Date(last);
    week.setUTCDate(week.getUTCDate() - 7 * (count - 1 - index));
    return week.toISOString().slice(0, 10);
  });
}
