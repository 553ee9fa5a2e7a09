import type { WebhookContributor } from './webhookContributor.js';
import { backgroundScanContributor } from './webhookBackgroundScan.js';
import { driftContributor } from './webhookDrift.js';
import { leaderElectionContributor } from './webhookLeader.js';
import { mutateContributor } from './webhookMutate.js';
import { secretGuardContributor } from './webhookSecretGuard.js';
import { validateContributor } from './webhookValidate.js';

// The parts of `mcp-header-forward webhook`, in route order. Add one line per contributor.
export const webhookContributors: readonly WebhookContributor[] = [
  validateContributor,
  mutateContributor(),
  secretGuardContributor(),
  backgroundScanContributor(),
  driftContributor(),
  leaderElectionContributor(),
];
