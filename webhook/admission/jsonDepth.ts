// An AdmissionReview is a Kubernetes object in an envelope: a real one nests a few dozen levels. A body nested
// hundreds of thousands of levels parses into that many objects and arrays (hundreds of MiB for a few MiB of
// input), so it is refused before JSON.parse by one pass over the text.

/** Deeper than anything the API server sends (a Pod in an AdmissionReview is under 20 levels). */
export const MAX_JSON_DEPTH = 100;

/** Whether `text` nests objects/arrays deeper than `limit` (strings, escapes included, are skipped). */
export function jsonDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
