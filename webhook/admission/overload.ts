import type { FailurePolicy } from '../registrations/webhookConfigurations.js';
import { allow, deny, type AdmissionVerdict } from './response.js';

// Admission control for a storm. Past its best rate the webhook must not queue without bound: every review would
// then wait longer and longer, the API server's calls would time out (closing their connections, so each retry
// pays a new TLS handshake) and the storm turns into an error storm. So at most `maxInFlight` reviews are worked on
// at once, counted from the moment a request's headers arrive to the moment its answer is out; one that finds them
// all taken, or that waited longer than `maxWaitMs` before its turn (the event loop was behind), is answered at
// once, without being reviewed, the way the API server would treat a timeout under the route's failurePolicy:
// Fail: denied, saying to retry (controllers retry; kubectl shows the message); Ignore: allowed unchanged with a
// warning.

/**
 * Measured at about twice the best rate (docs/benchmarks.md, "Admission storm"): 32, 64 and 128 all kept the reviews
 * run well inside the webhook timeout; 128 ran the most, since a shed answer still costs about half a review (TLS,
 * HTTP, the JSON body) and a lower bound sheds more.
 */
export const DEFAULT_MAX_IN_FLIGHT_REVIEWS = 128;

/**
 * A fifth of the default webhook timeout (DEFAULT_TIMEOUT_SECONDS, 5 s): a review still waiting for its turn after
 * this is answered at once, well before the API server gives up on the call (and closes its connection).
 */
export const OVERLOAD_MAX_WAIT_MS = 1_000;

export interface AdmissionGate {
  /** Takes a slot for a review that just arrived; false when all are taken (answer it as overloaded). */
  tryEnter(): boolean;
  /** Gives back a slot taken by tryEnter (once per successful tryEnter). */
  leave(): void;
  readonly inFlight: number;
  readonly maxInFlight: number;
}

export function createAdmissionGate(maxInFlight: number): AdmissionGate {
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight must be a positive integer, not ${maxInFlight}`);
  let inFlight = 0;
  return {
    tryEnter() {
      if (inFlight >= maxInFlight) return false;
      inFlight++;
      return true;
    },
    leave() {
      if (inFlight > 0) inFlight--;
    },
    get inFlight() {
      return inFlight;
    },
    maxInFlight,
  };
}

/** Why a review is not run: all slots taken, or it waited too long for its turn. */
export type OverloadCause = { kind: 'full'; maxInFlight: number } | { kind: 'late'; waitedMs: number };

/** The answer to a review the webhook is too busy to run, as the route's failurePolicy would answer a timeout. */
export function overloadedVerdict(route: string, policy: FailurePolicy, cause: OverloadCause): AdmissionVerdict {
  const why =
    cause.kind === 'full' ? `${cause.maxInFlight} reviews were already in progress` : `the review waited ${cause.waitedMs} ms for its turn`;
  if (policy === 'Ignore') {
    return allow({
      mode: 'overloaded',
      warnings: [
        `mcp-header-forward is overloaded (${why}) and did not check this request (${route}); it was admitted unchanged, as failurePolicy Ignore admits it when the webhook times out`,
      ],
    });
  }
  return deny(`mcp-header-forward is overloaded (${why}) and did not check this request (${route}); retry in a few seconds`, {
    code: 429,
    mode: 'overloaded',
  });
}
