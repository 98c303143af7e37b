/** A log line that says a setting is absent: `X is required`, `required key X missing`, `X not set`. */
const MISSING_SETTING_LINE = /\b(?:required|not set|must be set|missing|is empty|undefined)\b/i;
/** An environment-variable-like name: upper case words joined by underscores (PAYMENTS_DB_URL). */
const SETTING_NAME = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/;

/**
 * The setting the app itself reports missing, from its own log lines (the container's output,
 * not text a server wrote): the first environment-variable-like name on a line that says a
 * setting is required, missing or not set.
 */
export function missingSettingOf(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    if (!MISSING_SETTING_LINE.test(line)) continue;
    const name = SETTING_NAME.exec(line)?.[0];
    if (name) return name;
  }
  return undefined;
}

/**
 * The key of a ConfigMap or Secret that most likely replaced a setting the app still reads: the
 * one sharing the longest run of leading `_`-separated words with it (REDIS_URL for REDIS_ADDR).
 */
export function similarKeyOf(setting: string, keys: readonly string[]): string | undefined {
  const words = setting.split('_');
  let best: { key: string; shared: number } | undefined;
  for (const key of keys) {
    if (key === setting) continue;
    const other = key.split('_');
    let shared = 0;
    while (shared < words.length && shared < other.length && words[shared] === other[shared]) shared += 1;
    if (shared > 0 && (!best || shared > best.shared)) best = { key, shared };
  }
  return best?.key;
}
