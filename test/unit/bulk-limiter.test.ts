import type { ApiCallFn } from "grammy";
import { describe, expect, it } from "vitest";
import { asBulk, BulkLimiter, isBulk } from "../../src/bot/bulk.js";

type Answer =
  | { ok: true; result: true }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after: number } };

/** A raw API that records when each call started and answers what `answer` says. */
function recordingApi(answer: (call: number) => Answer = () => ({ ok: true, result: true }), latencyMs = 2) {
  const starts: number[] = [];
  let open = 0;
  let mostOpen = 0;
  const prev = (async () => {
    starts.push(Date.now());
    const call = starts.length;
    open++;
    mostOpen = Math.max(mostOpen, open);
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    open--;
    return answer(call);
  }) as unknown as ApiCallFn;
  return { prev, starts, mostOpen: () => mostOpen };
}

function mostWithinOneSecond(starts: readonly number[]): number {
  return Math.max(...starts.map((start) => starts.filter((other) => other >= start && other < start + 1000).length));
}

const send = (limiter: BulkLimiter, prev: ApiCallFn, bulk = true) =>
  limiter.transformer(prev, "sendMessage", bulk ? asBulk({ chat_id: 1, text: "x" }) : { chat_id: 1, text: "x" });

describe("the bulk limiter", () => {
  it("marks bulk options with a key that is not sent to Telegram", () => {
    const options = asBulk({ reply_markup: undefined });
    expect(isBulk(options)).toBe(true);
    expect(isBulk({ ...options, chat_id: 1 })).toBe(true);
    expect(JSON.stringify(options)).toBe("{}");
    expect(isBulk({ reply_markup: undefined })).toBe(false);
  });

  it("never starts more than the limit within a second, keeps a few in flight, and loses nothing", async () => {
    const limiter = new BulkLimiter({ perSecond: 40, maxInFlight: 3 });
    const api = recordingApi(undefined, 30);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 100 }, () => send(limiter, api.prev)));
    const seconds = (Date.now() - started) / 1000;
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(api.starts).toHaveLength(100);
    expect(mostWithinOneSecond(api.starts)).toBeLessThanOrEqual(40);
    expect(api.mostOpen()).toBeLessThanOrEqual(3);
    expect(seconds).toBeGreaterThan(1.5); // 100 at 40 per second cannot finish sooner
  });

  it("pauses every bulk request for a 429's retry_after", async () => {
    const limiter = new BulkLimiter({ perSecond: 1000, maxInFlight: 1 });
    const api = recordingApi((call) =>
      call === 2
        ? {
            ok: false,
            error_code: 429,
            description: "Too Many Requests: retry after 1",
            parameters: { retry_after: 1 },
          }
        : { ok: true, result: true },
    );
    const answers = await Promise.all(Array.from({ length: 4 }, () => send(limiter, api.prev)));
    expect(answers.map((answer) => answer.ok)).toEqual([true, false, true, true]);
    const [, second = 0, third = 0] = api.starts;
    expect(third - second).toBeGreaterThanOrEqual(990);
  });

  it("lets replies through at once while bulk requests wait", async () => {
    const limiter = new BulkLimiter({ perSecond: 1, maxInFlight: 1 });
    limiter.pause(10_000);
    const bulk = recordingApi();
    const waiting = send(limiter, bulk.prev);
    const reply = recordingApi();
    const started = Date.now();
    expect((await send(limiter, reply.prev, false)).ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(200);
    expect(bulk.starts).toHaveLength(0);
    void waiting;
  });
});
