// One review must never fan out without bound or outlive the webhook timeout: an entry's Secret lookups (and their
// SubjectAccessReviews) run at most LOOKUP_CONCURRENCY at a time, and whatever has not answered by the review's
// deadline is reported as not answered (the rules then deny: could not check, fail closed).

export const LOOKUP_CONCURRENCY = 8;

export interface LookupBounds {
  /** Absolute time (ms since epoch) after which unanswered names get `late`; none: wait for every answer. */
  deadline?: number;
  concurrency?: number;
}

/** `lookup` for each name; a throw becomes `failed(message)`, a name unanswered at the deadline `late()`. */
export async function lookupAll<R>(
  names: readonly string[],
  lookup: (name: string) => Promise<R>,
  fallbacks: { failed(message: string): R; late(): R },
  bounds: LookupBounds = {},
): Promise<Map<string, R>> {
  const results = new Map<string, R>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++]!;
      if (bounds.deadline !== undefined && Date.now() >= bounds.deadline) return;
      try {
        results.set(name, await lookup(name));
      } catch (error: unknown) {
        results.set(name, fallbacks.failed(error instanceof Error ? error.message : String(error)));
      }
    }
  };
  const workers = Array.from({ length: Math.min(bounds.concurrency ?? LOOKUP_CONCURRENCY, names.length) }, worker);
  const all = Promise.all(workers);
  if (bounds.deadline === undefined) await all;
  else {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, bounds.deadline! - Date.now()))));
    await Promise.race([all, expired]);
    clearTimeout(timer);
  }
  // Answers that come after the deadline are not waited for; the map is what the rules see.
  return new Map(names.map((name) => [name, results.get(name) ?? fallbacks.late()]));
}
