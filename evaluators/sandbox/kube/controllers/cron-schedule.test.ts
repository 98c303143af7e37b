import { describe, expect, it } from 'vitest';
import { lastScheduledTime, parseCronSchedule, type CronSchedule } from './cron-schedule.js';

function parsed(text: string): CronSchedule {
  const schedule = parseCronSchedule(text);
  if (typeof schedule === 'string') throw new Error(schedule);
  return schedule;
}

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cron schedules', () => {
  it('finds the most recent scheduled minute of steps, ranges, lists and macros (UTC)', () => {
    const now = at('2026-03-04T14:47:10Z');
    expect(iso(lastScheduledTime(parsed('*/20 * * * *'), 0, now))).toBe('2026-03-04T14:40:00.000Z');
    expect(iso(lastScheduledTime(parsed('5 9-17 * * 1-5'), 0, now))).toBe('2026-03-04T14:05:00.000Z');
    expect(iso(lastScheduledTime(parsed('0 3,15 * * *'), 0, now))).toBe('2026-03-04T03:00:00.000Z');
    expect(iso(lastScheduledTime(parsed('@daily'), 0, now))).toBe('2026-03-04T00:00:00.000Z');
  });

  it('finds nothing at or before the lower bound (a CronJob created after its last slot)', () => {
    expect(lastScheduledTime(parsed('0 * * * *'), at('2026-03-04T14:10:00Z'), at('2026-03-04T14:47:00Z'))).toBe(
      undefined,
    );
  });

  it('rejects a schedule without five fields or with a value out of range', () => {
    expect(parseCronSchedule('*/5 * * *')).toBe('expected exactly 5 fields, found 4: */5 * * *');
    expect(typeof parseCronSchedule('0 25 * * *')).toBe('string');
  });
});
