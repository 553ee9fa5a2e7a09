import { hostname } from 'node:os';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ObjectEvent } from '../report/scanState.js';

// Kubernetes Events on the objects the background scan checked (`kubectl describe mcpserverentry x` shows them).
// core/v1 Events, the form every kubectl version lists; RBAC: `create` on events, nothing else.

export const EVENT_COMPONENT = 'mcp-header-forward';
/** The API server rejects longer notes on events.k8s.io/v1; keep core Events within the same bound. */
const MAX_MESSAGE = 1024;

export function createEventRecorder(options: { kubeConfig: KubeConfig; instance?: string }): (event: ObjectEvent) => Promise<void> {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const instance = options.instance ?? process.env['POD_NAME'] ?? hostname();
  return async (event) => {
    const now = new Date();
    const { regarding } = event;
    await core.createNamespacedEvent({
      namespace: regarding.namespace,
      body: {
        metadata: { generateName: `${regarding.name}.`, namespace: regarding.namespace },
        involvedObject: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name: regarding.name,
          namespace: regarding.namespace,
          ...(regarding.uid !== undefined ? { uid: regarding.uid } : {}),
          ...(regarding.resourceVersion !== undefined ? { resourceVersion: regarding.resourceVersion } : {}),
        },
        type: event.type,
        reason: event.reason,
        message: event.message.length > MAX_MESSAGE ? `${event.message.slice(0, MAX_MESSAGE - 3)}...` : event.message,
        source: { component: EVENT_COMPONENT },
        reportingComponent: EVENT_COMPONENT,
        reportingInstance: instance,
        action: 'Validate',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  };
}
