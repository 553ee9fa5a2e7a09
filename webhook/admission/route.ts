import type { Logger } from 'pino';
import type { AdmissionRequest } from './review.js';
import type { AdmissionVerdict } from './response.js';
import type { FailurePolicy } from '../registrations/webhookConfigurations.js';

/**
 * One admission endpoint (`/validate`, `/mutate`, `/validate-secrets`, ...). The server owns HTTPS, body
 * parsing, the 400 on malformed reviews, uid echo, fail-closed error handling, logs and metrics; a route
 * only decides. Adding an endpoint = writing one AdmissionRoute and passing it to createWebhookServer.
 */
export interface AdmissionRoute {
  /** URL path, e.g. `/validate`. */
  path: string;
  /** Short name for logs and the metric label `route`, e.g. `validate`. */
  name: string;
  review(request: AdmissionRequest, context: ReviewContext): Promise<AdmissionVerdict>;
  /** The failurePolicy this route is always registered with; absent: the server's --failure-policy. */
  failurePolicy?: FailurePolicy;
}

export interface ReviewContext {
  /** Child logger already bound with route, uid, kind, namespace, name, operation. */
  logger: Logger;
}
