import { createHash } from 'node:crypto';
import type { V1EnvVar } from '@kubernetes/client-node';
import { secretEnvVarName } from '../../contract/envNames.js';
import { routeSchema, type Route } from '../../contract/routes.js';
import type { ToolhiveForwardingMode } from '../../contract/sealing.js';
import { CA_BUNDLES_DIR } from '../../contract/sidecar.js';
import { DEFAULT_CA_BUNDLE_KEY, type HeaderFromSecret, type MCPServerEntry } from '../../contract/toolhive.js';
import { unservableViolations } from '../validate/unservable.js';
import { routeBinding, type SecretBindings } from './hostBindings.js';
import type { NativeForwarding } from './toolhiveForwarding.js';

// Entries -> the sidecar's routes, its secretKeyRef env vars and the CA bundle ConfigMaps it mounts.
// An entry that cannot be served whole is left out with a warning: a half-configured route would send
// some of its headers and not others.

export const CA_BUNDLE_VOLUME_PREFIX = 'mcp-header-forward-cab-';

export interface CaBundleMount {
  configMap: string;
  volumeName: string;
  mountPath: string;
}

export interface RoutePlan {
  routes: Route[];
  /** One secretKeyRef env var per (entry, secret header), sorted by name. */
  secretEnv: V1EnvVar[];
  /** Env vars of the vmcp container whose Secret moves to the sidecar (a placeholder takes its place), sorted. */
  sealedEnv: string[];
  /** `<namespace>/<name>` of entries vMCP forwards whole by itself: no route needed. */
  forwardedByToolhive: string[];
  caBundles: CaBundleMount[];
  warnings: string[];
}

/** Where vMCP forwards headers itself (ToolHive >= v0.27.2) and what the injector does about it. */
export interface ToolhiveForwarding {
  mode: ToolhiveForwardingMode;
  native: NativeForwarding;
}

interface EntryRoute {
  route: Route;
  env: V1EnvVar[];
  sealedEnv: string[];
  caBundle?: CaBundleMount;
}

export function planRoutes(
  entries: readonly MCPServerEntry[],
  secretBindings: SecretBindings = new Map(),
  forwarding?: ToolhiveForwarding,
): RoutePlan {
  const routes: Route[] = [];
  const envByName = new Map<string, V1EnvVar>();
  const sealedEnv: string[] = [];
  const forwardedByToolhive: string[] = [];
  const caBundles = new Map<string, CaBundleMount>();
  const warnings: string[] = [];
  for (const entry of entries) {
    const built = routeFor(entry, secretBindings, forwarding);
    if (built === 'forwarded-by-toolhive') {
      forwardedByToolhive.push(entryKey(entry));
      continue;
    }
    if (typeof built === 'string') {
      warnings.push(built);
      continue;
    }
    const clash = built.env.find((e) => envByName.has(e.name));
    if (clash) {
      warnings.push(
        `${describe(entry)} skipped: env var ${clash.name} is already used by another entry ` +
          `(entry and header names normalise to the same ToolHive name); rename the entry or the header`,
      );
      continue;
    }
    routes.push(built.route);
    for (const e of built.env) envByName.set(e.name, e);
    sealedEnv.push(...built.sealedEnv);
    if (built.caBundle) caBundles.set(built.caBundle.configMap, built.caBundle);
  }
  return {
    routes: routes.sort((a, b) => compare(a.entry, b.entry)),
    secretEnv: [...envByName.values()].sort((a, b) => compare(a.name, b.name)),
    sealedEnv: sealedEnv.sort(compare),
    forwardedByToolhive,
    caBundles: [...caBundles.values()].sort((a, b) => compare(a.configMap, b.configMap)),
    warnings,
  };
}

/** The entry's headers split by who sends them: the sidecar adds, vMCP sends a placeholder we swap, or vMCP alone. */
interface HeaderSplit {
  plaintext: Record<string, string>;
  /** Indexes into addHeadersFromSecret, kept so field paths in messages stay the entry's own. */
  added: number[];
  sealed: number[];
}

function splitHeaders(entry: MCPServerEntry, forwarding: ToolhiveForwarding | undefined): HeaderSplit {
  const hf = entry.spec.headerForward ?? {};
  const fromSecret = hf.addHeadersFromSecret ?? [];
  const all = fromSecret.map((_, i) => i);
  const native = forwarding === undefined || forwarding.mode === 'ignore' ? undefined : forwarding.native.entry(entry);
  if (native === undefined) return { plaintext: { ...(hf.addPlaintextHeaders ?? {}) }, added: all, sealed: [] };
  const byVmcp = (header: string): boolean => native.headers.has(header.toLowerCase());
  const plaintext = Object.fromEntries(Object.entries(hf.addPlaintextHeaders ?? {}).filter(([header]) => !byVmcp(header)));
  const added = all.filter((i) => !byVmcp(fromSecret[i]!.headerName));
  const name = entry.metadata.name ?? '';
  const sealed =
    forwarding!.mode === 'seal'
      ? all.filter(
          (i) => byVmcp(fromSecret[i]!.headerName) && forwarding!.native.secretEnv.has(secretEnvVarName(name, fromSecret[i]!.headerName)),
        )
      : [];
  return { plaintext, added, sealed };
}

function routeFor(entry: MCPServerEntry, secretBindings: SecretBindings, forwarding: ToolhiveForwarding | undefined): EntryRoute | string {
  const name = entry.metadata.name ?? '';
  const where = describe(entry);
  const hf = entry.spec.headerForward ?? {};
  const fromSecret = hf.addHeadersFromSecret ?? [];
  const problem = entryProblem(entry);
  if (problem !== undefined) return `${where} skipped: ${problem}`;
  const split = splitHeaders(entry, forwarding);
  if (Object.keys(split.plaintext).length === 0 && split.added.length === 0 && split.sealed.length === 0) return 'forwarded-by-toolhive';
  const secrets = secretEnvFor(name, fromSecret, split);
  if (typeof secrets === 'string') return `${where} skipped: ${secrets}`;
  const carried = [...split.added, ...split.sealed].map((i) => fromSecret[i]!);
  const binding = routeBinding(entry, carried, secretBindings);
  if ('problem' in binding) return `${where} skipped: ${binding.problem}`;
  const caBundle = caBundleFor(entry);
  const parsed = routeSchema.safeParse({
    entry: entryKey(entry),
    remoteUrl: entry.spec.remoteUrl,
    plaintextHeaders: split.plaintext,
    secretHeaders: secrets.secretHeaders,
    ...(Object.keys(secrets.sealedHeaders).length > 0 ? { sealedHeaders: secrets.sealedHeaders } : {}),
    caBundleFile: caBundle?.file,
    allowedHosts: binding.allowedHosts,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${where} skipped: route ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'is invalid'}`;
  }
  return {
    route: parsed.data,
    env: secrets.env,
    sealedEnv: Object.values(secrets.sealedHeaders),
    ...(caBundle ? { caBundle: caBundle.mount } : {}),
  };
}

/** ToolHive's env var per secret header, holding a secretKeyRef: the value never enters the pod spec. */
function secretEnvFor(
  entryName: string,
  fromSecret: readonly HeaderFromSecret[],
  split: Pick<HeaderSplit, 'added' | 'sealed'>,
): { secretHeaders: Record<string, string>; sealedHeaders: Record<string, string>; env: V1EnvVar[] } | string {
  const secretHeaders: Record<string, string> = {};
  const sealedHeaders: Record<string, string> = {};
  const env: V1EnvVar[] = [];
  const sealed = new Set(split.sealed);
  for (const i of [...split.added, ...split.sealed].sort((a, b) => a - b)) {
    const header = fromSecret[i]!;
    const field = `spec.headerForward.addHeadersFromSecret[${i}]`;
    const ref = header.valueSecretRef;
    if (ref === undefined || ref.name === '' || ref.key === '') {
      return `${field}.valueSecretRef needs a Secret name and key`;
    }
    const envName = secretEnvVarName(entryName, header.headerName);
    if (env.some((e) => e.name === envName)) {
      return `${field}.headerName "${header.headerName}" maps to env var ${envName} like another header; rename one`;
    }
    (sealed.has(i) ? sealedHeaders : secretHeaders)[header.headerName] = envName;
    env.push({ name: envName, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
  }
  return { secretHeaders, sealedHeaders, env };
}

/** The validating webhook's first reason to refuse the entry: entries admitted before it ran (or in audit mode) still get here. */
function entryProblem(entry: MCPServerEntry): string | undefined {
  const first = unservableViolations(entry)[0];
  return first === undefined ? undefined : `${first.field}: ${first.message}`;
}

function caBundleFor(entry: MCPServerEntry): { file: string; mount: CaBundleMount } | undefined {
  const ref = entry.spec.caBundleRef?.configMapRef;
  if (ref === undefined || ref.name === '') return undefined;
  const mountPath = `${CA_BUNDLES_DIR}/${ref.name}`;
  return {
    file: `${mountPath}/${ref.key ?? DEFAULT_CA_BUNDLE_KEY}`,
    mount: { configMap: ref.name, volumeName: caBundleVolumeName(ref.name), mountPath },
  };
}

/** A DNS label (<= 63) unique per ConfigMap name: readable when it fits, hashed when dots or length force it. */
export function caBundleVolumeName(configMap: string): string {
  const plain = CA_BUNDLE_VOLUME_PREFIX + configMap;
  if (!configMap.includes('.') && plain.length <= 63) return plain;
  const hash = createHash('sha256').update(configMap).digest('hex').slice(0, 8);
  const readable = (CA_BUNDLE_VOLUME_PREFIX + configMap.replaceAll('.', '-')).slice(0, 63 - hash.length - 1);
  return `${readable.replace(/-+$/, '')}-${hash}`;
}

function entryKey(entry: MCPServerEntry): string {
  return `${entry.metadata.namespace ?? ''}/${entry.metadata.name ?? ''}`;
}

function describe(entry: MCPServerEntry): string {
  return `MCPServerEntry ${entryKey(entry)}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
