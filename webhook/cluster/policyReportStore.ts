import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  POLICY_REPORT_GROUP,
  POLICY_REPORT_PLURAL,
  POLICY_REPORT_VERSION,
} from '../report/policyReport.js';
import type { PolicyReportStore, StoreFailure } from '../report/policyReportPublisher.js';
import type { StoredReport } from '../report/policyReportSync.js';
import { boundedCalls } from './requestOptions.js';

// The PolicyReport writer's API access: discovery of wgpolicyk8s.io/v1alpha2, and list (ours, by label), create,
// update and delete of policyreports. RBAC: exactly those four verbs on policyreports.wgpolicyk8s.io; discovery
// needs none (every authenticated identity may read it).

const CALL_TIMEOUT_MS = 10_000;
const PAGE_SIZE = 250;
const target = { group: POLICY_REPORT_GROUP, version: POLICY_REPORT_VERSION, plural: POLICY_REPORT_PLURAL };

export function policyReportStore(kubeConfig: KubeConfig): PolicyReportStore {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const call = boundedCalls({ timeoutMs: CALL_TIMEOUT_MS });
  return {
    async served() {
      try {
        const resources = await api.getAPIResources({ group: POLICY_REPORT_GROUP, version: POLICY_REPORT_VERSION }, call().options);
        return resources.resources.some((resource) => resource.name === POLICY_REPORT_PLURAL);
      } catch (error: unknown) {
        // The group/version is not served at all: the CRD is not installed.
        if (error instanceof ApiException && error.code === 404) return false;
        throw failure(error, `discovery of ${POLICY_REPORT_GROUP}/${POLICY_REPORT_VERSION}`);
      }
    },
    async list() {
      const stored: StoredReport[] = [];
      let next: string | undefined;
      do {
        const page = (await api
          .listClusterCustomObject(
            {
              ...target,
              labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
              limit: PAGE_SIZE,
              ...(next !== undefined ? { _continue: next } : {}),
            },
            call().options,
          )
          .catch((error: unknown) => {
            throw failure(error, `list ${POLICY_REPORT_PLURAL}.${POLICY_REPORT_GROUP}`);
          })) as { items?: ListedReport[]; metadata?: { continue?: string; _continue?: string } };
        stored.push(...(page.items ?? []).map(storedReport));
        next = page.metadata?._continue ?? page.metadata?.continue;
        if (next === '') next = undefined;
      } while (next !== undefined);
      return stored;
    },
    async create(report) {
      const { namespace, name } = report.metadata;
      await api.createNamespacedCustomObject({ ...target, namespace, body: report }, call().options).catch((error: unknown) => {
        throw failure(error, `create PolicyReport ${namespace}/${name}`);
      });
    },
    async update(report, resourceVersion) {
      const { namespace, name } = report.metadata;
      const body = { ...report, metadata: { ...report.metadata, resourceVersion } };
      await api.replaceNamespacedCustomObject({ ...target, namespace, name, body }, call().options).catch((error: unknown) => {
        throw failure(error, `update PolicyReport ${namespace}/${name}`);
      });
    },
    async delete(namespace, name) {
      await api.deleteNamespacedCustomObject({ ...target, namespace, name }, call().options).catch((error: unknown) => {
        if (error instanceof ApiException && error.code === 404) return;
        throw failure(error, `delete PolicyReport ${namespace}/${name}`);
      });
    },
  };
}

interface ListedReport {
  metadata?: { namespace?: string; name?: string; resourceVersion?: string; labels?: Record<string, string> };
  results?: unknown;
  summary?: unknown;
}

function storedReport(item: ListedReport): StoredReport {
  const metadata = item.metadata ?? {};
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    resourceVersion: metadata.resourceVersion ?? '',
    labels: metadata.labels ?? {},
    results: item.results ?? [],
    summary: item.summary ?? {},
  };
}

/** `<what>: HTTP <code>: <the API server's message>`, with the code kept for the caller's fix. */
export function failure(error: unknown, what: string): StoreFailure {
  if (!(error instanceof ApiException)) return new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  const failed: StoreFailure = new Error(`${what}: HTTP ${error.code}: ${apiMessage(error.body) ?? 'no message'}`);
  failed.code = error.code;
  if (error.code === 403 && namespaceTerminating(error.body)) failed.namespaceTerminating = true;
  return failed;
}

/** The Status the NamespaceLifecycle admission plugin answers a write into a deleting namespace with. */
function namespaceTerminating(body: unknown): boolean {
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { details?: { causes?: { reason?: unknown }[] } } | null;
    return status?.details?.causes?.some((cause) => cause.reason === 'NamespaceTerminating') === true;
  } catch {
    return false;
  }
}

function apiMessage(body: unknown): string | undefined {
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown } | null;
    return typeof parsed?.message === 'string' ? parsed.message : undefined;
  } catch {
    return typeof body === 'string' && body !== '' ? body.slice(0, 200) : undefined;
  }
}
