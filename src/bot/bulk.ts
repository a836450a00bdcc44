import type { Transformer } from "grammy";

/**
 * Bulk sending (broadcasts, reminders, notices to many) is paced by one shared limiter, while
 * replies to people who write go out at once. A call is bulk when its options carry the BULK
 * mark (`asBulk`); the mark is a symbol key, so it reaches the API transformers but is never
 * serialised into the request sent to Telegram.
 */
const BULK: unique symbol = Symbol("bulk");

/** Marks a call's options as bulk: `api.sendMessage(chatId, text, asBulk({ reply_markup }))`. */
export function asBulk<T extends object>(options?: T): T {
  return Object.assign({ ...options } as T, { [BULK]: true });
}

export function isBulk(payload: unknown): boolean {
  return typeof payload === "object" && payload !== null && BULK in payload;
}

export interface BulkLimiterOptions {
  /** Messages per second over all bulk sends; Telegram allows about 30. */
  perSecond?: number;
  /** Bulk requests in flight at once. */
  maxInFlight?: number;
}

/**
 * Starts bulk requests at most `perSecond` within any window of a little over a second (a limit
 * measured over a sliding second, as Telegram's is, then never sees more, even when network
 * delays vary), spaced at least half the even interval apart and with at most `maxInFlight` open
 * at once. A late timer is made up by the next start, so the pace stays close to the limit on a
 * busy machine. A 429 answer pauses every bulk request for its `retry_after`, since Telegram asks
 * the whole bot to slow down, not one chat.
 */
export class BulkLimiter {
  private static readonly WINDOW_MS = 1050;
  private readonly perSecond: number;
  private readonly minGapMs: number;
  private readonly maxInFlight: number;
  private readonly queue: (() => void)[] = [];
  /** Start times of the last `perSecond` requests, oldest first. */
  private readonly starts: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: BulkLimiterOptions = {}) {
    this.perSecond = options.perSecond ?? 30;
    this.minGapMs = 500 / this.perSecond;
    this.maxInFlight = options.maxInFlight ?? 5;
  }

  /** The transformer that paces calls marked with `asBulk` and lets every other call through. */
  readonly transformer: Transformer = async (prev, method, payload, signal) => {
    if (!isBulk(payload)) return prev(method, payload, signal);
    await this.acquire();
    try {
      const response = await prev(method, payload, signal);
      if (!response.ok && response.error_code === 429) this.pause((response.parameters?.retry_after ?? 1) * 1000);
      return response;
    } finally {
      this.release();
    }
  };

  /** Holds back every bulk request for `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  private acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.drain();
    });
  }

  private release(): void {
    this.inFlight--;
    this.drain();
  }

  /** The earliest time the next request may start. */
  private nextStartAt(): number {
    const last = this.starts.at(-1) ?? 0;
    const windowFull = this.starts.length >= this.perSecond ? (this.starts[0] ?? 0) + BulkLimiter.WINDOW_MS : 0;
    return Math.max(this.pausedUntil, last + this.minGapMs, windowFull);
  }

  private drain(): void {
    if (this.timer) return;
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const now = Date.now();
      const startAt = this.nextStartAt();
      if (startAt > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.drain();
        }, startAt - now);
        return;
      }
      this.starts.push(now);
      if (this.starts.length > this.perSecond) this.starts.shift();
      this.inFlight++;
      this.queue.shift()?.();
    }
  }
}
