import { html, type Html } from './html.js';

/**
 * Small server-side SVG charts (no script, no client library): stacked bars per week and lines
 * over weeks. Labels go through the escaping template like every other text on the page.
 */
export interface ChartSeries {
  label: string;
  values: ReadonlyArray<number | undefined>;
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 40, right: 10, top: 10, bottom: 40 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const color = (index: number) => COLORS[index % COLORS.length] ?? '#333';
const round = (value: number) => Math.round(value * 10) / 10;

function axis(weeks: readonly string[], max: number, step: number): Html[] {
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, max / 2, max].map((value) => {
    const y = round(PAD.top + plotHeight - (value / max) * plotHeight);
    return html`<text x="${PAD.left - 4}" y="${y + 4}" text-anchor="end" class="tick">${round(value)}</text>
      <line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" class="grid" />`;
  });
  const labels = weeks.map((week, index) =>
    index % Math.max(1, Math.ceil(weeks.length / 8)) === 0
      ? html`<text
          x="${round(PAD.left + step * index + step / 2)}"
          y="${HEIGHT - PAD.bottom + 14}"
          text-anchor="middle"
          class="tick"
          >${week.slice(5)}</text
        >`
      : html``,
  );
  return [...ticks, ...labels];
}

function legend(series: readonly ChartSeries[]): Html {
  return html`<g class="legend"
    >${series.map(
      (entry, index) =>
        html`<rect x="${PAD.left + index * 120}" y="${HEIGHT - 16}" width="10" height="10" fill="${color(index)}" />
          <text x="${PAD.left + index * 120 + 14}" y="${HEIGHT - 7}" class="tick">${entry.label.slice(0, 16)}</text>`,
    )}</g
  >`;
}

function frame(title: string, body: Html[]): Html {
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg
      role="img"
      aria-label="${title}"
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      width="100%"
      xmlns="http://www.w3.org/2000/svg"
    >
      ${body}
    </svg>
  </figure>`;
}

/** Stacked bars: one bar per week, one segment per series. */
export function stackedBarChart(title: string, weeks: readonly string[], series: readonly ChartSeries[]): Html {
  const totals = weeks.map((_, index) => series.reduce((sum, entry) => sum + (entry.values[index] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = (WIDTH - PAD.left - PAD.right) / Math.max(1, weeks.length);
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const bars: Html[] = [];
  weeks.forEach((week, index) => {
    let base = PAD.top + plotHeight;
    series.forEach((entry, seriesIndex) => {
      const value = entry.values[index] ?? 0;
      if (value <= 0) return;
      const height = (value / max) * plotHeight;
      base -= height;
      bars.push(
        html`<rect
          class="bar"
          x="${round(PAD.left + step * index + step * 0.15)}"
          y="${round(base)}"
          width="${round(step * 0.7)}"
          height="${round(height)}"
          fill="${color(seriesIndex)}"
          ><title>${entry.label} ${week}: ${value}</title></rect
        >`,
      );
    });
  });
  return frame(title, [...axis(weeks, max, step), ...bars, legend(series)]);
}

function dot(xy: string, fill: string): Html {
  const [x, y] = xy.split(',');
  return html`<circle cx="${x}" cy="${y}" r="3" fill="${fill}" />`;
}

/** Lines over weeks; a missing value breaks the line. */
export function lineChart(title: string, weeks: readonly string[], series: readonly ChartSeries[]): Html {
  const values = series.flatMap((entry) => entry.values.filter((value): value is number => value !== undefined));
  const max = Math.max(1, ...values);
  const step = (WIDTH - PAD.left - PAD.right) / Math.max(1, weeks.length);
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const point = (index: number, value: number) =>
    `${round(PAD.left + step * index + step / 2)},${round(PAD.top + plotHeight - (value / max) * plotHeight)}`;
  const lines = series.map((entry, seriesIndex) => {
    const points = entry.values.flatMap((value, index) => (value === undefined ? [] : [point(index, value)]));
    return html`<polyline
        class="line"
        fill="none"
        stroke="${color(seriesIndex)}"
        stroke-width="2"
        points="${points.join(' ')}"
        ><title>${entry.label}</title></polyline
      >
      ${points.map((xy) => dot(xy, color(seriesIndex)))}`;
  });
  return frame(title, [...axis(weeks, max, step), ...lines, legend(series)]);
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
