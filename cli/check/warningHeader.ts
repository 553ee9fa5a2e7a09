/** The texts of RFC 7234 `299 - "text"` Warning headers, as kubectl prints them ("Warning: text"). */
export function parseWarningHeader(value: string | undefined): string[] {
  if (!value) return [];
  return [...value.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!.replace(/\\(.)/g, '$1'));
}
