import type { WebhookContributor } from './webhookContributor.js';
import { mutateContributor } from './webhookMutate.js';
import { validateContributor } from './webhookValidate.js';

// The parts of `mcp-header-forward webhook`, in route order. Add one line per contributor.
export const webhookContributors: readonly WebhookContributor[] = [validateContributor, mutateContributor()];
