import { clipWords } from '../diagnosis/text.js';

/** How long ago an ISO timestamp was, compactly (`45s`, `12m`, `3h`, `2d`); `?` when unknown. */
export function ageOf(timestamp: string | undefined, now: number): string {
  const at = timestamp ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) return '?';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.round(hours / 24)}d`;
}

/**
 * One evidence line: a multi-line message (an admission denial inside a sync error) joined onto
 * one line, capped (the matcher and the answer only need its head).
 */
export function clipLine(text: string, max = 800): string {
  const line = text
    .split('\n')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .join(' ');
  return line.length > max ? clipWords(line, max) : line;
}
