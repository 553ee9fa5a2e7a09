import { AuthenticationV1Api, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../../webhook/cluster/kubeConfig.js';
import { describeTransportError } from '../../apiErrors.js';
import type { ApiServerFacts } from '../types.js';
import { withTimeout } from './calls.js';

// First contact: the kubeconfig, /version (which says the server answers) and SelfSubjectReview (which says the
// credentials are accepted, and as whom; older servers without it simply show no user).

export async function gatherApiServer(
  path: string | undefined,
  timeoutMs: number,
): Promise<{ facts: ApiServerFacts; kubeConfig?: KubeConfig }> {
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = loadKubeConfig(path);
  } catch (error: unknown) {
    const configError = error instanceof Error ? error.message : String(error);
    return { facts: { server: undefined, context: undefined, configError, reach: { problem: { cause: 'other', message: configError } } } };
  }
  const server = kubeConfig.getCurrentCluster()?.server;
  const context = kubeConfig.getCurrentContext() || undefined;
  const base = { server, context };
  try {
    const version = await withTimeout(kubeConfig.makeApiClient(VersionApi).getCode(), timeoutMs, 'reading /version');
    const user = await whoAmI(kubeConfig, timeoutMs);
    if (typeof user === 'object') return { facts: { ...base, reach: user }, kubeConfig };
    return { facts: { ...base, reach: { version: version.gitVersion, ...(user === undefined ? {} : { user }) } }, kubeConfig };
  } catch (error: unknown) {
    return { facts: { ...base, reach: { problem: describeTransportError(error) } }, kubeConfig };
  }
}

/** The user name; a rejected credential is a problem; anything else (an old server, 403) just leaves it out. */
async function whoAmI(
  kubeConfig: KubeConfig,
  timeoutMs: number,
): Promise<string | undefined | { problem: ReturnType<typeof describeTransportError> }> {
  try {
    const review = await withTimeout(
      kubeConfig
        .makeApiClient(AuthenticationV1Api)
        .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } }),
      timeoutMs,
      'asking who we are (SelfSubjectReview)',
    );
    return review.status?.userInfo?.username;
  } catch (error: unknown) {
    const problem = describeTransportError(error);
    return problem.cause === 'unauthorized' || problem.cause === 'timeout' || problem.code === undefined ? { problem } : undefined;
  }
}
