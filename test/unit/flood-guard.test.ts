import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BotContext } from "../../src/bot/context.js";
import { floodGuard } from "../../src/bot/flood-guard.js";
import { createLogger } from "../../src/logger.js";
import de from "../../locales/de.json" with { type: "json" };
import { createTestDb } from "../support/db.js";

const { db } = createTestDb();
const logLines: string[] = [];
const logger = createLogger("debug", (line) => logLines.push(line));
afterAll(() => db.$disconnect());

/** A private-chat message update as the guard sees it, sent at `sentAtMs`. */
function messageFrom(telegramId: number, sentAtMs: number, replies: string[]): BotContext {
  return {
    chat: { type: "private", id: telegramId },
    from: { id: telegramId, is_bot: false, first_name: "Anna", language_code: "de" },
    msg: { date: Math.floor(sentAtMs / 1000) },
    callbackQuery: undefined,
    reply: (text: string) => Promise.resolve(void replies.push(text)),
  } as unknown as BotContext;
}

async function handled(guard: ReturnType<typeof floodGuard>, ctx: BotContext): Promise<boolean> {
  let passed = false;
  await guard(ctx, () => Promise.resolve(void (passed = true)));
  return passed;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The notice is sent in the background; waits up to 5 s for it. */
async function noticesIn(replies: string[]): Promise<string[]> {
  for (let waited = 0; replies.length === 0 && waited < 5_000; waited += 20) await sleep(20);
  return replies;
}

describe("flood guard", () => {
  // Only the clock and the guard's store clearing are faked; Prisma keeps its real timers.
  beforeEach(() =>
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"], now: new Date("2026-12-01T10:00:00.500Z") }),
  );
  afterEach(() => vi.useRealTimers());

  it("counts a flood by when it was sent, however long the bot takes to work through it", async () => {
    const guard = floodGuard({ db, logger });
    const replies: string[] = [];
    const sentAt = Date.now();
    let passed = 0;
    for (let index = 0; index < 12; index++) {
      if (await handled(guard, messageFrom(1, sentAt, replies))) passed++;
      vi.advanceTimersByTime(2_000); // a busy bot: 24 s to get through the twelve
    }
    expect(passed).toBe(8);
    expect(await noticesIn(replies), logLines.join("\n")).toEqual([de.errors.slow_down]);
  });

  it("never stops a person who writes at a normal pace", async () => {
    const guard = floodGuard({ db, logger });
    const replies: string[] = [];
    let passed = 0;
    for (let index = 0; index < 30; index++) {
      if (await handled(guard, messageFrom(2, Date.now(), replies))) passed++;
      vi.advanceTimersByTime(1_000);
    }
    await sleep(200);
    expect(passed).toBe(30);
    expect(replies).toEqual([]);
  });
});
