import type { Logger } from 'pino';
import { backgroundScanLoop } from './backgroundScanLoop.js';
import type { Clients } from './clients.js';
import type { WebhookConfig } from './config.js';
import { driftLoop } from './driftLoop.js';
import type { Runnable } from './runnables.js';

/** The background loops the config turns on; no admission endpoint of their own. */
export function backgroundLoops(config: WebhookConfig, clients: Clients, logger: Logger): Runnable[] {
  const loops: Runnable[] = [];
  if (config.backgroundScan === false) logger.info('background scan off (--background-scan=false)');
  else loops.push(backgroundScanLoop(config.backgroundScan, config, clients, logger));
  if (config.drift === false) logger.info('drift check off (--drift-check=false)');
  else loops.push(driftLoop(config.drift, config, clients, logger));
  return loops;
}
