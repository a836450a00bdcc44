import type { Context, MiddlewareFn } from "grammy";

/** How long a seat decision waits for earlier presses before it goes ahead anyway. */
const DEFAULT_MAX_WAIT_MS = 10_000;

/**
 * Lets seat-deciding updates act in the order Telegram delivered them (their update_id), although
 * updates of different chats are handled in parallel: the first to press gets the seat.
 *
 * An update that may decide seats takes a ticket synchronously, the moment it arrives (the
 * middleware runs before anything awaits). Its seat decision then runs in `inTurn`, which waits
 * until no ticket of an earlier update is still pending. A ticket is given back after its
 * decision or, at the latest, when its update has been handled, so an update that turned out not
 * to decide anything (a stale button) holds nobody up for longer than its own handling.
 */
export class ArrivalOrder {
  private readonly pending = new Set<number>();
  private waiters: { updateId: number; resolve: () => void }[] = [];

  constructor(private readonly maxWaitMs = DEFAULT_MAX_WAIT_MS) {}

  /** Takes a ticket for every update `decides` recognises; must run before any middleware that awaits. */
  middleware(decides: (ctx: Context) => boolean): MiddlewareFn {
    return async (ctx, next) => {
      const updateId = ctx.update.update_id;
      if (!decides(ctx)) return next();
      this.take(updateId);
      try {
        await next();
      } finally {
        this.release(updateId);
      }
    };
  }

  take(updateId: number): void {
    this.pending.add(updateId);
  }

  release(updateId: number): void {
    if (this.pending.delete(updateId)) this.wakeReady();
  }

  /** Runs `decide` once every earlier update holding a ticket is done with its decision. */
  async inTurn<T>(updateId: number, decide: () => Promise<T>): Promise<T> {
    await this.turnOf(updateId);
    try {
      return await decide();
    } finally {
      this.release(updateId);
    }
  }

  private turnOf(updateId: number): Promise<void> {
    if (!this.hasEarlier(updateId)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { updateId, resolve };
      // A hung earlier update must not stop everyone else: fairness gives way to progress.
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        resolve();
      }, this.maxWaitMs);
      timer.unref();
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  private hasEarlier(updateId: number): boolean {
    for (const pending of this.pending) if (pending < updateId) return true;
    return false;
  }

  private wakeReady(): void {
    const ready = this.waiters.filter((waiter) => !this.hasEarlier(waiter.updateId));
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.resolve();
  }
}

/** Runs a seat decision in its update's turn when the bot keeps an arrival order, directly otherwise. */
export function inArrivalOrder<T>(
  order: ArrivalOrder | undefined,
  updateId: number,
  decide: () => Promise<T>,
): Promise<T> {
  return order ? order.inTurn(updateId, decide) : decide();
}
