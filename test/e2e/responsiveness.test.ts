import { afterAll, beforeAll, describe, expect, it } from "vitest";
import de from "../../locales/de.json" with { type: "json" };
import ru from "../../locales/ru.json" with { type: "json" };
import type { Db } from "../../src/db.js";
import { createBroadcast } from "../../src/features/broadcasts/service.js";
import { createBroadcastWorker } from "../../src/features/broadcasts/worker.js";
import { onboard, startTestBot, type RunningTestBot } from "../support/app.js";
import { acceptedPerChat, residents } from "../support/broadcasts.js";
import { createTestDb } from "../support/db.js";
import { FakeTelegram } from "../support/fake-telegram.js";

let fake: FakeTelegram;
let db: Db;
let nextUserId = 7000;

beforeAll(async () => {
  fake = await FakeTelegram.start();
  db = createTestDb().db;
});
afterAll(async () => {
  await db.$disconnect();
  await fake.stop();
});

function newUser(languageCode: string, firstName: string) {
  return fake.user({ id: ++nextUserId, firstName, lastName: "Test", languageCode });
}

async function withBot(options: Parameters<typeof startTestBot>[2], body: (running: RunningTestBot) => Promise<void>) {
  const running = startTestBot(fake, db, options);
  try {
    await body(running);
  } finally {
    await running.stop();
  }
}

const errorLines = (running: RunningTestBot) => running.logs.filter((line) => line.level === "error");

describe("replies are never held back", () => {
  it("the thanks and the menu after consent arrive together, not a second apart", () =>
    withBot({}, async () => {
      const anna = newUser("de", "Anna");
      await onboard(anna);
      const sends = fake.callsFor(anna.chatId).filter((call) => call.method === "sendMessage");
      const [thanks, menu] = sends.slice(-2);
      expect(menu?.params.text).toBe(de.menu.title);
      expect((menu?.at ?? 0) - (thanks?.at ?? 0)).toBeLessThan(500);
    }));

  it(
    "a resident who writes during a broadcast is answered at once; the broadcast keeps to 30 a second, loses and repeats nobody",
    { timeout: 60_000 },
    () =>
      withBot({ bulk: { perSecond: 30 } }, async (running) => {
        fake.setRateLimit({ perSecond: 30, retryAfter: 1 });
        await residents(db, fake, 150, 50_000);
        const manager = await db.person.create({ data: { roles: { create: { role: "manager" } } } });
        await createBroadcast(
          db,
          { id: manager.id, roles: ["manager"] },
          { audience: { kind: "everyone" }, textDe: "Straßenfest", texts: { ru: "Уличный праздник" } },
          new Date(),
        );
        // Telegram asks to slow down once in the middle: the whole broadcast pauses and goes on.
        fake.failNext("sendMessage", { kind: "429", retryAfter: 1 }, { chatId: 50_060 });
        const worker = createBroadcastWorker({ db, clock: () => new Date(), logger: running.logger }, running.bot.api);
        const broadcasting = worker.runOnce();

        await new Promise((resolve) => setTimeout(resolve, 1500));
        const olga = newUser("ru", "Ольга");
        const asked = Date.now();
        olga.send("/help");
        expect((await olga.nextReply()).text).toBe(ru.help.text);
        const answeredAfter = Date.now() - asked;

        const counts = await broadcasting;
        expect(counts.failed).toBe(0);
        const bulk = fake.calls.filter(
          (call) =>
            call.method === "sendMessage" &&
            (call.params.text === "Straßenfest" || call.params.text === "Уличный праздник"),
        );
        const bulkStarted = bulk[0]?.at ?? 0;
        const bulkEnded = bulk.at(-1)?.at ?? 0;
        expect(answeredAfter).toBeLessThan(1000);
        expect(asked + answeredAfter).toBeLessThan(bulkEnded); // answered while the broadcast was still going
        const accepted = bulk.filter((call) => !call.error);
        const perSecond = Math.max(
          ...accepted.map(
            (call) => accepted.filter((other) => other.at >= call.at && other.at < call.at + 1000).length,
          ),
        );
        expect(perSecond).toBeLessThanOrEqual(30);
        expect(bulk.some((call) => call.error?.code === 429)).toBe(true);
        expect(bulkEnded - bulkStarted).toBeGreaterThan(4000); // 151 messages at 30 a second
        const perChat = acceptedPerChat(fake);
        expect(
          Array.from({ length: 150 }, (_, index) => perChat.get(50_000 + index) ?? 0).filter((count) => count !== 1),
        ).toEqual([]);
        expect(errorLines(running)).toEqual([]);
        fake.setRateLimit(null);
      }),
  );
});

describe("one person flooding the bot", () => {
  it("gets one polite notice in their language and no answers beyond the limit; others are answered as usual", () =>
    withBot({ floodGuard: { limit: 5, windowMs: 60_000 } }, async (running) => {
      const anna = newUser("de", "Anna");
      const olga = newUser("ru", "Ольга");
      for (let index = 0; index < 20; index++) {
        anna.send("/help");
        olga.send("/help");
      }
      const boris = newUser("de", "Boris");
      boris.send("/help");
      expect((await boris.nextReply()).text).toBe(de.help.text);

      const annas = await anna.replies(6);
      await anna.expectNoReply(800);
      expect(annas.filter((reply) => reply.text === de.help.text)).toHaveLength(5);
      expect(annas.filter((reply) => reply.text === de.errors.slow_down)).toHaveLength(1);
      const olgas = await olga.replies(6);
      await olga.expectNoReply(200);
      expect(olgas.filter((reply) => reply.text === ru.help.text)).toHaveLength(5);
      expect(olgas.filter((reply) => reply.text === ru.errors.slow_down)).toHaveLength(1);
      expect(running.logs.filter((line) => line.message === "flood guard: updates dropped")).toHaveLength(2);
      expect(errorLines(running)).toEqual([]);
    }));
});

describe("double taps, old buttons and blocked chats", () => {
  it("a button whose message is gone gets its screen as a fresh message, and the press is answered", () =>
    withBot({}, async (running) => {
      const anna = newUser("de", "Anna");
      anna.send("/language");
      expect((await anna.nextReply()).text).toBe(de.language.prompt);
      fake.failNext("editMessageText", { kind: "400", description: "Bad Request: message to edit not found" });
      const pressed = anna.tap("Русский");
      await anna.callbackAnswered(pressed);
      const fresh = await anna.nextReply();
      expect(fresh).toMatchObject({ text: ru.language.changed, edited: false });
      await anna.expectNoReply();
      expect(errorLines(running)).toEqual([]);
    }));

  it("a double tap that changes nothing and a press Telegram no longer knows bring no error message", () =>
    withBot({}, async (running) => {
      const olga = newUser("ru", "Ольга");
      olga.send("/language");
      await olga.nextReply();
      fake.failNext("editMessageText", {
        kind: "400",
        description:
          "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      });
      const first = olga.tap("Русский");
      await olga.callbackAnswered(first);
      await olga.expectNoReply();

      olga.send("/language");
      await olga.nextReply();
      fake.failNext("answerCallbackQuery", {
        kind: "400",
        description: "Bad Request: query is too old and response timeout expired or query ID is invalid",
      });
      olga.tap("Deutsch");
      expect((await olga.nextReply()).text).toBe(de.language.changed);
      await olga.expectNoReply();
      expect(errorLines(running)).toEqual([]);
    }));

  it("a person who blocked the bot is an info line, not an error, and is marked", () =>
    withBot({}, async (running) => {
      const anna = newUser("de", "Anna");
      await onboard(anna);
      fake.blockBot(anna.chatId);
      anna.send("/help");
      await expect
        .poll(() => running.logs.some((line) => line.message === "person blocked the bot" && line.level === "info"))
        .toBe(true);
      const person = await db.person.findUniqueOrThrow({ where: { telegramId: BigInt(anna.id) } });
      expect(person.blockedAt).toBeInstanceOf(Date);
      expect(errorLines(running)).toEqual([]);
      expect(running.logs.filter((line) => line.level === "warn")).toEqual([]);
    }));
});
