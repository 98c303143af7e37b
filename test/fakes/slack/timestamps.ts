let lastMicros = 0;

/**
 * A Slack message timestamp (`"1730000010.000200"`) at or after `millis`, strictly after every
 * one this process handed out before — the fake server's messages and the tests' own events
 * alike. Two generators with their own counters could hand out the same ts within one
 * millisecond, and a thread would then hold a message from another test.
 */
export function claimTs(millis: number): string {
  const micros = Math.max(Math.floor(millis * 1000), lastMicros + 1);
  lastMicros = micros;
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}
