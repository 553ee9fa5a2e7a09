import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  DEFAULT_DEPLOYMENT_NAME,
  DEFAULT_NAMESPACE as DEFAULT_WEBHOOK_NAMESPACE,
} from '../../webhook/registrations/webhookConfigurations.js';
import { describeApiError } from '../apiErrors.js';
import { injectorFlagsFromDeployment, type InjectorFlagValues } from './injectorFlagsFromArgs.js';

// `report --pods --webhook ns/name`: the webhook Deployment's injector flags under the ones given to report. A
// Deployment that cannot be read is not an error (a webhook run outside the cluster has none): report says so
// and plans with its own flags.

export interface WebhookInjectorFlags {
  /** The webhook's namespace (POD_NAMESPACE in its pod: never injected). */
  namespace: string;
  sidecar: Promise<{ values: InjectorFlagValues; notice?: string }>;
}

export function injectorFlagsOf(
  kubeConfig: KubeConfig,
  ref: string,
  own: InjectorFlagValues,
  explicit: ReadonlySet<string>,
): WebhookInjectorFlags {
  if (ref === '') return { namespace: DEFAULT_WEBHOOK_NAMESPACE, sidecar: Promise.resolve({ values: own }) };
  const slash = ref.indexOf('/');
  const namespace = slash < 0 ? ref : ref.slice(0, slash);
  const name = slash < 0 ? DEFAULT_DEPLOYMENT_NAME : ref.slice(slash + 1);
  const where = `Deployment ${namespace}/${name}`;
  const sidecar = kubeConfig
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ namespace, name })
    .then(
      (deployment) => {
        const read = injectorFlagsFromDeployment(deployment);
        if ('problem' in read)
          return { values: own, notice: `cannot use the injector flags of ${where}: ${read.problem}; planning with report's own flags` };
        const taken = Object.entries(read.values).filter(([key]) => !explicit.has(key));
        const values = { ...own, ...Object.fromEntries(taken) } as InjectorFlagValues;
        const names = taken.map(([key]) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
        return {
          values,
          notice: `injector flags from ${where} (container ${read.container}): ${names.length === 0 ? 'none set, defaults apply' : names.join(', ')}`,
        };
      },
      (error: unknown) => {
        return {
          values: own,
          notice: `cannot read ${where} (${describeApiError(error)}); planning with report's own injector flags (defaults unless given; pass --webhook ns/name or the flags)`,
        };
      },
    );
  return { namespace, sidecar };
}
