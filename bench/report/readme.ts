// docs/benchmarks.md's measured section is rewritten by each `make bench` between these markers, nothing else.
export const BEGIN = '<!-- bench:begin (written by make bench) -->';
export const END = '<!-- bench:end -->';

export function replaceBenchSection(readme: string, body: string): string {
  const section = `${BEGIN}\n${body.trim()}\n${END}`;
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin >= 0 && end > begin) return readme.slice(0, begin) + section + readme.slice(end + END.length);
  return `${readme.trimEnd()}\n\n## Benchmarks\n\n${section}\n`;
}
