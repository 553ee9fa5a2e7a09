import { inject } from 'vitest';
import type { NodeClusterInfo } from './nodeCluster.js';

/** The running node, or undefined when this machine cannot run one (globalSetup said why, once). */
export function realNode(): NodeClusterInfo | undefined {
  const provided = inject('realNode');
  return 'info' in provided ? provided.info : undefined;
}
