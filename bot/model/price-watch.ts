import type { Logger } from 'pino';
import { priceFor } from '../agent/cost.js';
import type { ModelClient, ModelPrice } from '../agent/ports.js';

/**
 * Logs, once per model, an answer from a model the price table does not cover: its cost is
 * recorded as unknown (not as free) until SRE_BOT_MODEL_PRICES names it.
 */
export function watchPrices(
  client: ModelClient,
  prices: Readonly<Record<string, ModelPrice>>,
  logger: Logger | undefined,
): ModelClient {
  const reported = new Set<string>();
  return {
    models: client.models,
    async create(request) {
      const response = await client.create(request);
      if (!reported.has(response.model) && !priceFor(response.model, prices)) {
        reported.add(response.model);
        logger?.warn(
          { event: 'model-price-unknown', model: response.model },
          'no price for this model: its cost is recorded as unknown; add it to SRE_BOT_MODEL_PRICES',
        );
      }
      return response;
    },
  };
}
