// `node dist/bench/webhook/mutateLoop.js [reviews]`: the /mutate review of make bench's webhook phase in
// process, without HTTPS or the API server: body bytes -> JSON -> AdmissionReview parse -> mutate route ->
// response bytes. CPU per review of the planning path alone, for before/after work on it (no network noise):
// once planning every review (the first replica of a rollout) and once as served, where the replicas after the
// first reuse its plan (webhook/endpoints/injectMemo.ts).
import { pino } from 'pino';
import { parseAdmissionReview } from '../../webhook/admission/review.js';
import { toAdmissionReview } from '../../webhook/admission/response.js';
import { ToolhiveIndex } from '../../webhook/cluster/toolhiveIndex.js';
import { DEFAULT_SETTINGS } from '../../webhook/mutate/settings.js';
import { mutateRoute } from '../../webhook/endpoints/mutate.js';
import type { AdmissionRoute } from '../../webhook/admission/route.js';
import type { SecretLookup } from '../../webhook/validate/types.js';
import { mutateReview, routedEntries, virtualMcpServer } from './fixtures.js';

const reviews = Number(process.argv[2] ?? '5000');
const index = new ToolhiveIndex();
index.upsertVmcp(virtualMcpServer());
for (const entry of routedEntries()) index.upsertEntry(entry);
// Every referenced Secret exists without an allowed-hosts annotation, as in the stand-in API server.
const found: SecretLookup = { status: 'found', secret: { name: 'x', namespace: 'tools', annotations: {}, keys: {} } };
const routeWith = (planMemoEntries?: number): AdmissionRoute =>
  mutateRoute({
    lookup: index,
    synced: () => true,
    settings: DEFAULT_SETTINGS,
    hostBinding: { getSecret: () => Promise.resolve(found), requireHostBinding: false },
    ...(planMemoEntries !== undefined ? { planMemoEntries } : {}),
  });
const logger = pino({ level: 'warn' });
const body = JSON.stringify(mutateReview());

async function once(route: AdmissionRoute): Promise<number> {
  const parsed = parseAdmissionReview(JSON.parse(body));
  if (!parsed.ok) throw new Error(parsed.error);
  const request = parsed.review.request;
  const child = logger.child({
    route: route.name,
    uid: request.uid,
    kind: request.kind.kind,
    namespace: request.namespace,
    name: request.name,
    operation: request.operation,
  });
  const verdict = await route.review(request, { logger: child });
  if (verdict.patch === undefined || verdict.patch.length === 0) throw new Error(`no patch: ${JSON.stringify(verdict)}`);
  return JSON.stringify(toAdmissionReview(request.uid, verdict)).length;
}

/** CPU µs per review over `n` reviews. */
async function round(route: AdmissionRoute, n: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await once(route);
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / n;
}

async function measure(label: string, route: AdmissionRoute): Promise<void> {
  const bytes = await once(route);
  await round(route, Math.min(500, reviews));
  // Short rounds, the fastest reported: on a shared machine other work only ever adds time.
  const rounds = Array.from({ length: 10 }, () => 0);
  for (let i = 0; i < rounds.length; i++) rounds[i] = await round(route, Math.max(1, Math.round(reviews / rounds.length)));
  rounds.sort((a, b) => a - b);
  process.stdout.write(
    `/mutate in process, ${label}: ${reviews} reviews in 10 rounds, CPU per review fastest round ${rounds[0]!.toFixed(0)} µs, median ${rounds[5]!.toFixed(0)} µs, response ${bytes} bytes\n`,
  );
}

async function main(): Promise<void> {
  await measure('planning every review', routeWith(0));
  await measure('as served (replicas reuse the plan)', routeWith());
}

main().catch((error: unknown) => {
  process.stderr.write(`mutateLoop failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
