// One wording for a failed client-node call in the CLI's messages: the HTTP status when the API server answered
// (client-node's ApiException carries it as `code`), else the transport error.
export function describeApiError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return `the API server answered HTTP ${code}`;
  return error instanceof Error ? error.message : String(error);
}
