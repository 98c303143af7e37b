/**
 * Slack's message formatting on the way in: Slack sends `&`, `<` and `>` as entities and wraps
 * mentions, channels and links in angle brackets. Questions are stored and investigated as the
 * person read them; answers escape again on the way out (escapeMrkdwn).
 */

/** One `<…>` token as a person sees it. */
function readable(token: string): string {
  const [target = '', label] = token.split('|', 2);
  if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
  if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
  if (target.startsWith('!subteam^')) return label ?? '@team';
  if (target.startsWith('!')) return `@${label ?? target.slice(1)}`;
  const url = target.startsWith('mailto:') ? target.slice('mailto:'.length) : target;
  if (label === undefined || label === url || url.endsWith(`//${label}`)) return url;
  return `${label} (${url})`;
}

/**
 * Decodes Slack formatting into plain text: `<@U1|ana>` → `@ana`, `<#C1|prod>` → `#prod`,
 * `<https://x|docs>` → `docs (https://x)`, `&amp;` → `&`. Entities are decoded last, so an
 * escaped `&amp;lt;` stays the literal text `&lt;`.
 */
export function decodeSlackText(text: string): string {
  return text
    .replace(/<([^<>]+)>/g, (_match, token: string) => readable(token))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
