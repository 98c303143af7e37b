/** Model ids by family: dated, Bedrock, Vertex and router ids of one model share a family, and a price. */

/**
 * The family of a model id: `claude-sonnet-4-5` for `claude-sonnet-4-5-20250929`,
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0` (Bedrock), `claude-sonnet-4-5@20250929`
 * (Vertex) and `anthropic/claude-sonnet-4-5` (LiteLLM and similar routers).
 */
export function modelFamily(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^(?:[a-z]{2,6}\.)?anthropic\./, '')
    .replace(/^anthropic\//, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/@(?:\d{8}|latest)$/, '')
    .replace(/-(?:\d{8}|latest)$/, '');
}

/** The tier of a Claude model (`claude-sonnet` for any Sonnet), the last resort of price lookups. */
export function modelTier(model: string): string | undefined {
  const match = /^claude-(opus|sonnet|haiku)-/.exec(modelFamily(model));
  return match?.[1] ? `claude-${match[1]}` : undefined;
}
