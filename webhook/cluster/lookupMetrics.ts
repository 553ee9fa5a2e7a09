import type { Counter, Registry } from 'prom-client';
import { registeredCounter } from '../registeredMetrics.js';
import type { GetSecret } from '../validate/lookup.js';

export const LOOKUP_ERRORS_METRIC = 'mcp_header_forward_api_lookup_errors_total';

/** Counts API lookups that could not be answered (timeout, 5xx, 403, unreachable): "not found" is an answer. */
export function lookupErrorsCounter(registry: Registry): Counter<'resource'> {
  return registeredCounter(registry, {
    name: LOOKUP_ERRORS_METRIC,
    help: 'API server lookups the webhook could not complete (Secret GETs from admission, injection, the background scan and the drift check), by resource; each fails its check closed.',
    labelNames: ['resource'] as const,
  });
}

/** The same getter, counting its errors (used for admission, injection and the background scan alike). */
export function countingSecretErrors(getSecret: GetSecret, registry: Registry): GetSecret {
  const errors = lookupErrorsCounter(registry);
  return async (namespace, name) => {
    try {
      const lookup = await getSecret(namespace, name);
      if (lookup.status === 'error') errors.inc({ resource: 'secrets' });
      return lookup;
    } catch (error: unknown) {
      errors.inc({ resource: 'secrets' });
      throw error;
    }
  };
}

/** A getter that waits for a token first (background work must not crowd out admission GETs). */
export function rateLimited(getSecret: GetSecret, bucket: { take(): Promise<void> }): GetSecret {
  return async (namespace, name) => {
    await bucket.take();
    return getSecret(namespace, name);
  };
}
