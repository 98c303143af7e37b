/**
 * Standard five-field cron schedules (minute, hour, day of month, month, day of week) as the
 * CronJob controller reads them, in UTC: lists, ranges, steps and `*`, plus the `@hourly`-style
 * macros. Only what is needed to find the most recent scheduled time before a moment.
 */

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** The bounds of each field, in order. */
const FIELD_BOUNDS: ReadonlyArray<readonly [number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

/** How far back the most recent scheduled time is looked for (a yearly schedule is not needed). */
const SEARCH_LIMIT_MINUTES = 40 * 24 * 60;

/** A parsed schedule: the allowed values of each field. */
export interface CronSchedule {
  readonly fields: ReadonlyArray<ReadonlySet<number>>;
}

/** Parses a schedule, or returns the reason it is invalid (the controller's wording). */
export function parseCronSchedule(text: string): CronSchedule | string {
  const expanded = MACROS[text.trim()] ?? text.trim();
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) return `expected exactly 5 fields, found ${parts.length}: ${text}`;
  const fields: Array<Set<number>> = [];
  for (const [index, part] of parts.entries()) {
    const [low, high] = FIELD_BOUNDS[index] ?? [0, 0];
    const values = parseField(part, low, high);
    if (typeof values === 'string') return values;
    fields.push(values);
  }
  return { fields };
}

function parseField(part: string, low: number, high: number): Set<number> | string {
  const values = new Set<number>();
  for (const item of part.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return `failed to parse int from ${stepText ?? ''}`;
    let from = low;
    let to = high;
    if (range !== '*' && range !== '?') {
      const [first = '', last] = range.split('-');
      from = Number(first);
      to = last === undefined ? (stepText === undefined ? from : high) : Number(last);
      if (!Number.isInteger(from) || !Number.isInteger(to)) return `failed to parse int from ${range}`;
      if (from < low || to > high || from > to) return `end of range (${to}) above maximum (${high}): ${range}`;
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

function matches(schedule: CronSchedule, at: Date): boolean {
  const [minutes, hours, days, months, weekdays] = schedule.fields;
  return (
    (minutes?.has(at.getUTCMinutes()) ?? false) &&
    (hours?.has(at.getUTCHours()) ?? false) &&
    (days?.has(at.getUTCDate()) ?? false) &&
    (months?.has(at.getUTCMonth() + 1) ?? false) &&
    (weekdays?.has(at.getUTCDay()) ?? false)
  );
}

/** The most recent scheduled minute in `(afterMs, atMs]`, or undefined when there is none. */
export function lastScheduledTime(schedule: CronSchedule, afterMs: number, atMs: number): number | undefined {
  let minute = Math.floor(atMs / 60_000) * 60_000;
  for (let step = 0; step < SEARCH_LIMIT_MINUTES && minute > afterMs; step++, minute -= 60_000) {
    if (matches(schedule, new Date(minute))) return minute;
  }
  return undefined;
}
