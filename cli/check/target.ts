import { DEFAULT_TLS_SECRET_NAME } from '../../certs/tlsSecret.js';
import {
  DEFAULT_CONFIGURATION_NAME,
  DEFAULT_DEPLOYMENT_NAME,
  DEFAULT_NAMESPACE,
  DEFAULT_SERVICE_NAME,
} from '../../webhook/registrations/webhookConfigurations.js';
import type { CheckTarget } from './types.js';

/** The install as the manifests name it: `check`'s flag defaults (check.test.ts compares them with manifests/base). */
export const DEFAULT_TARGET: CheckTarget = {
  namespace: DEFAULT_NAMESPACE,
  deployment: DEFAULT_DEPLOYMENT_NAME,
  service: DEFAULT_SERVICE_NAME,
  tlsSecret: DEFAULT_TLS_SECRET_NAME,
  configuration: DEFAULT_CONFIGURATION_NAME,
  probeNamespace: 'default',
  certWarningDays: 30,
};
