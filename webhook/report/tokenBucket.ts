import { setTimeout as sleepMs } from 'node:timers/promises';

// A token bucket for the background scan's Secret GETs: a steady rate with a small burst, so a scan of many
// entries never floods the API server (APF would throttle it and admission GETs would queue behind it).

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  /** Callers queue in order; each waits for the one before it. */
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<unknown>;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError(`token bucket needs ratePerSecond > 0 and burst >= 1 (got ${options.ratePerSecond}, ${options.burst})`);
    }
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleepMs;
    this.tokens = options.burst;
    this.updatedAt = this.now();
  }

  /** Resolves when one token was taken. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeNow());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.options.ratePerSecond) * 1000));
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.options.ratePerSecond);
    this.updatedAt = now;
  }
}
