import type { MiddlewareFn } from "grammy";

/**
 * Counts updates being handled. The runner's stop() ends fetching but does not wait for updates
 * already taken; a graceful stop waits here so their replies and state writes are not cut off.
 */
export class InFlightUpdates {
  private count = 0;
  private waiters: (() => void)[] = [];

  readonly middleware: MiddlewareFn = async (_ctx, next) => {
    this.count++;
    try {
      await next();
    } finally {
      this.count--;
      if (this.count === 0) for (const resolve of this.waiters.splice(0)) resolve();
    }
  };

  /** Resolves once no update is being handled. */
  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
