import { run } from "@grammyjs/runner";
import { Api, Bot, GrammyError, InlineKeyboard, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeTelegram } from "./support/fake-telegram.js";
import { waitFor, type TelegramUser } from "./support/user.js";

// These tests drive grammY's own Bot against the fake server, to prove the harness behaves like
// Telegram before the real bot is tested with it.

let fake: FakeTelegram;
let bot: Bot;
let botErrors: unknown[];
let polling: Promise<Error | undefined> | undefined;
let anna: TelegramUser;
let boris: TelegramUser;

beforeEach(async () => {
  fake = await FakeTelegram.start();
  bot = new Bot(fake.token, { botInfo: fake.botInfo, client: { apiRoot: fake.apiRoot } });
  botErrors = [];
  bot.catch((error) => void botErrors.push(error.error));
  polling = undefined;
  anna = fake.user({ id: 1001, firstName: "Anna", languageCode: "de" });
  boris = fake.user({ id: 1002, firstName: "Борис", languageCode: "ru" });
});

afterEach(async () => {
  if (bot.isRunning()) await bot.stop();
  const crash = await polling;
  await fake.stop();
  if (crash) throw crash;
});

/** Starts grammY's built-in long polling; a crash of the loop fails the test in afterEach. */
function startPolling(): void {
  polling = bot.start().then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}

async function rejectionOf(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GrammyError)) throw new Error(`Expected a GrammyError, got ${String(error)}`);
  return error;
}

describe("long polling", () => {
  it("delivers each user's messages and shows the bot's replies in that user's chat", async () => {
    bot.on("message:text", (ctx) => ctx.reply(`${ctx.chat.first_name}: ${ctx.message.text}`));
    startPolling();

    anna.send("Hallo");
    boris.send("Привет");
    anna.send("Wie geht's?");

    expect((await anna.replies(2)).map((reply) => reply.text)).toEqual(["Anna: Hallo", "Anna: Wie geht's?"]);
    expect((await boris.nextReply()).text).toBe("Борис: Привет");
    await boris.expectNoReply(100);
    expect(fake.callsTo("getUpdates").some((call) => call.params.timeout === 30)).toBe(true);
  });

  it("marks commands so that bot.command matches, with the payload after /start", async () => {
    bot.command("start", (ctx) => ctx.reply(`start:${ctx.match}`));
    bot.on("message:text", (ctx) => ctx.reply("plain text"));
    startPolling();

    anna.send("/start course-7");
    anna.send("start");

    expect((await anna.replies(2)).map((reply) => reply.text)).toEqual(["start:course-7", "plain text"]);
  });

  it("sends stickers, photos, documents, locations and contacts as Telegram does", async () => {
    bot.on("message:sticker", (ctx) => ctx.reply(`sticker ${ctx.message.sticker.emoji}`));
    bot.on("message:photo", (ctx) => ctx.reply(`photo in ${ctx.message.photo.length} size(s)`));
    bot.on("message:document", (ctx) => ctx.reply(`document ${ctx.message.document.file_name}`));
    bot.on("message:location", (ctx) => ctx.reply(`location ${ctx.message.location.latitude}`));
    bot.on("message:contact", (ctx) =>
      ctx.reply(`contact ${ctx.message.contact.phone_number} own=${ctx.message.contact.user_id === ctx.from.id}`),
    );
    startPolling();

    anna.sendSticker();
    anna.sendPhoto();
    anna.sendDocument("zeugnis.pdf");
    anna.sendLocation();
    anna.sendContact("+49 5406 123");

    expect((await anna.replies(5)).map((reply) => reply.text)).toEqual([
      "sticker 👍",
      "photo in 1 size(s)",
      "document zeugnis.pdf",
      "location 52.3033",
      "contact +49 5406 123 own=true",
    ]);
  });

  it("lets bot.stop() end the held poll at once and confirm the handled updates", async () => {
    bot.on("message:text", (ctx) => ctx.reply("ok"));
    startPolling();
    const updateId = anna.send("eins");
    await anna.nextReply();
    await waitFor(() => fake.callsTo("getUpdates").length >= 2);

    const started = Date.now();
    await bot.stop();

    expect(Date.now() - started).toBeLessThan(1000);
    expect(fake.confirmedUpdateId).toBe(updateId);
    expect(fake.pendingUpdates()).toBe(0);
  });

  it("works with grammY runner as well", async () => {
    bot.on("message:text", (ctx) => ctx.reply(`runner: ${ctx.message.text}`));
    const runner = run(bot);

    anna.send("Hallo");

    expect((await anna.nextReply()).text).toBe("runner: Hallo");
    await runner.stop();
  });
});

describe("inline keyboards", () => {
  beforeEach(() => {
    bot.command("kurse", (ctx) =>
      ctx.reply("Welcher Kurs?", {
        reply_markup: new InlineKeyboard()
          .text("Deutsch A1", "course:1")
          .text("Zirkus", "course:2")
          .row()
          .url("Website", "https://belm.de"),
      }),
    );
    bot.callbackQuery(/^course:(\d+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: `Kurs ${ctx.match[1]}` });
      await ctx.editMessageText(`Angemeldet für Kurs ${ctx.match[1]}`);
    });
  });

  it("taps a button, records the callback answer and shows the edit as the next reply", async () => {
    startPolling();
    anna.send("/kurse");
    const menu = await anna.nextReply();
    expect(menu.buttons).toEqual([
      [
        { text: "Deutsch A1", data: "course:1" },
        { text: "Zirkus", data: "course:2" },
      ],
      [{ text: "Website", url: "https://belm.de" }],
    ]);

    const queryId = anna.tap("Zirkus");

    expect(await anna.callbackAnswered(queryId)).toMatchObject({ text: "Kurs 2" });
    // Telegram drops the inline keyboard when an edit does not repeat it.
    expect(await anna.nextReply()).toMatchObject({
      messageId: menu.messageId,
      edited: true,
      text: "Angemeldet für Kurs 2",
      buttons: [],
    });
    expect(fake.messagesIn(anna.chatId)).toMatchObject([{ messageId: menu.messageId, edits: 1 }]);
    expect(anna.lastCallbackAnswer()).toMatchObject({ callback_query_id: queryId, text: "Kurs 2" });
  });

  it("explains which buttons exist when the label matches none, and refuses URL buttons", async () => {
    startPolling();
    expect(() => anna.tap("Zirkus")).toThrow(/no message with inline buttons/);
    anna.send("/kurse");
    await anna.nextReply();

    expect(() => anna.tap("Mathe")).toThrow(/"Deutsch A1", "Zirkus", "Website"/);
    expect(() => anna.tap(/website/i)).toThrow(/sends no callback data/);
    expect(anna.tap(/^Deutsch/)).toMatch(/^1001/);
  });

  it("delivers forged callback data, which the bot must answer itself", async () => {
    bot.on("callback_query:data", (ctx) => ctx.answerCallbackQuery({ text: "Veraltet", show_alert: true }));
    startPolling();
    anna.send("/kurse");
    const menu = await anna.nextReply();

    const queryId = anna.tapData("course:x", menu.messageId);

    expect(await anna.callbackAnswered(queryId)).toEqual({
      callback_query_id: queryId,
      text: "Veraltet",
      show_alert: true,
    });
  });
});

describe("files", () => {
  it("delivers documents and photos with their bytes, caption and keyboard", async () => {
    bot.command("export", (ctx) =>
      ctx.replyWithDocument(new InputFile(Buffer.from('{"kurse":[]}'), "meine-daten.json"), {
        caption: "Deine Daten",
        reply_markup: new InlineKeyboard().text("Alles löschen", "privacy:delete"),
      }),
    );
    bot.command("plan", (ctx) => ctx.replyWithPhoto(new InputFile(Buffer.from("png-bytes"), "plan.png")));
    startPolling();

    anna.send("/export");
    anna.send("/plan");
    const [document, photo] = await anna.replies(2);

    expect(document?.document?.filename).toBe("meine-daten.json");
    expect(document?.document?.bytes.toString()).toBe('{"kurse":[]}');
    expect(document?.caption).toBe("Deine Daten");
    expect(document?.buttons).toEqual([[{ text: "Alles löschen", data: "privacy:delete" }]]);
    expect(photo?.photo?.bytes?.toString()).toBe("png-bytes");
    expect(fake.callsTo("sendDocument")[0]?.chatId).toBe(anna.chatId);
  });

  it("resends a known file by its file_id and copies a user's message", async () => {
    bot.on("message:document", (ctx) => ctx.copyMessage(boris.chatId));
    startPolling();

    anna.sendDocument("antrag.pdf", Buffer.from("%PDF-1.7"));
    const copy = await boris.nextReply();
    expect(copy.document).toMatchObject({ filename: "antrag.pdf" });
    await bot.api.sendDocument(anna.chatId, copy.document?.fileId ?? "");

    expect((await anna.nextReply()).document?.bytes.toString()).toBe("%PDF-1.7");
    expect(await rejectionOf(bot.api.sendDocument(anna.chatId, "no-such-file"))).toMatchObject({
      error_code: 400,
      description: "Bad Request: wrong file identifier/HTTP URL specified",
    });
  });
});

describe("Telegram's answers to invalid requests", () => {
  it("rejects edits that change nothing or target a missing message", async () => {
    const sent = await bot.api.sendMessage(anna.chatId, "Termin?", {
      reply_markup: new InlineKeyboard().text("Ja", "yes"),
    });
    const sameAgain = bot.api.editMessageText(anna.chatId, sent.message_id, "Termin?", {
      reply_markup: new InlineKeyboard().text("Ja", "yes"),
    });

    expect((await rejectionOf(sameAgain)).description).toMatch(/^Bad Request: message is not modified: /);
    expect((await rejectionOf(bot.api.editMessageText(anna.chatId, 999, "x"))).description).toBe(
      "Bad Request: message to edit not found",
    );
    await bot.api.editMessageReplyMarkup(anna.chatId, sent.message_id);
    expect(fake.messagesIn(anna.chatId)[0]).toMatchObject({ text: "Termin?", buttons: [], edits: 1 });
  });

  it("parses HTML like Telegram and rejects broken markup, unknown chats and oversized callback data", async () => {
    const formatted = await bot.api.sendMessage(anna.chatId, "<b>Kurs</b> &amp; Termin", { parse_mode: "HTML" });

    expect(formatted.entities).toEqual([{ type: "bold", offset: 0, length: 4 }]);
    expect((await anna.nextReply()).text).toBe("Kurs & Termin");
    const unescaped = bot.api.sendMessage(anna.chatId, "Hallo <Anna>", { parse_mode: "HTML" });
    expect((await rejectionOf(unescaped)).description).toMatch(
      /^Bad Request: can't parse entities: Unsupported start tag "anna"/,
    );
    expect((await rejectionOf(bot.api.sendMessage(4242, "Hallo"))).description).toBe("Bad Request: chat not found");
    const tooLong = new InlineKeyboard().text("x", "x".repeat(65));
    expect((await rejectionOf(bot.api.sendMessage(anna.chatId, "Hallo", { reply_markup: tooLong }))).description).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
  });

  it("accepts one answer per callback query", async () => {
    await bot.api.sendMessage(anna.chatId, "Termin?", { reply_markup: new InlineKeyboard().text("Ja", "yes") });
    const queryId = anna.tap("Ja");

    await bot.api.answerCallbackQuery(queryId);

    expect((await rejectionOf(bot.api.answerCallbackQuery(queryId))).description).toMatch(/query is too old/);
  });
});

describe("failure injection", () => {
  it("makes the next send fail with 429 and retry_after, seen by the bot as a GrammyError", async () => {
    bot.on("message:text", (ctx) => ctx.reply("ok"));
    fake.failNext("sendMessage", { kind: "429", retryAfter: 7 });
    startPolling();

    anna.send("eins");
    const error = await waitFor(() => botErrors[0]);

    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      parameters: { retry_after: 7 },
    });
    anna.send("zwei");
    expect((await anna.nextReply()).text).toBe("ok");
  });

  it("limits an injected failure to one chat and a number of calls", async () => {
    fake.failNext("sendMessage", { kind: "500" }, { chatId: anna.chatId, times: 2 });

    await bot.api.sendMessage(boris.chatId, "nicht betroffen");
    expect((await rejectionOf(bot.api.sendMessage(anna.chatId, "1"))).error_code).toBe(500);
    expect((await rejectionOf(bot.api.sendMessage(anna.chatId, "2"))).description).toBe("Internal Server Error");
    await bot.api.sendMessage(anna.chatId, "3");

    expect(fake.callsFor(anna.chatId).map((call) => call.error?.code)).toEqual([500, 500, undefined]);
  });

  it("answers 403 once with failNext, and to every send after blockBot until unblockBot", async () => {
    fake.failNext("sendMessage", { kind: "403" });
    expect(await rejectionOf(bot.api.sendMessage(anna.chatId, "1"))).toMatchObject({
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    await bot.api.sendMessage(anna.chatId, "2");

    fake.blockBot(anna.chatId);
    expect((await rejectionOf(bot.api.sendMessage(anna.chatId, "3"))).error_code).toBe(403);
    const document = bot.api.sendDocument(anna.chatId, new InputFile(Buffer.from("{}"), "x.json"));
    expect((await rejectionOf(document)).error_code).toBe(403);
    await bot.api.sendMessage(boris.chatId, "Boris still gets messages");

    fake.unblockBot(anna.chatId);
    await bot.api.sendMessage(anna.chatId, "4");
    expect(fake.messagesIn(anna.chatId).map((message) => message.text)).toEqual(["2", "4"]);
  });

  it("applies a global rate limit to sends and counts its 429 answers", async () => {
    fake.setRateLimit({ perSecond: 3, retryAfter: 2 });

    const results = [];
    for (const text of ["1", "2", "3", "4", "5"]) {
      const outcome = bot.api.sendMessage(anna.chatId, text).then(
        () => "sent",
        (error: GrammyError) => error.parameters.retry_after,
      );
      results.push(await outcome);
    }

    expect(results).toEqual(["sent", "sent", "sent", 2, 2]);
    expect(fake.rateLimitHits).toBe(2);
    fake.setRateLimit(null);
    await bot.api.sendMessage(anna.chatId, "6");
  });
});

describe("the fake server", () => {
  it("answers 401 to a wrong token and 404 to an unknown method", async () => {
    const stranger = new Api("123456:wrong-token", { apiRoot: fake.apiRoot });
    expect(await rejectionOf(stranger.getMe())).toMatchObject({ error_code: 401, description: "Unauthorized" });

    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendTelepathy`, { method: "POST" });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error_code: 404, description: "Not Found: method not found" });
  });

  it("hands out updates by offset and limit and confirms those below the offset", async () => {
    const [first, second, third] = [anna.send("1"), anna.send("2"), anna.send("3")];

    expect((await bot.api.getUpdates({ limit: 2 })).map((update) => update.update_id)).toEqual([first, second]);
    expect((await bot.api.getUpdates({ offset: second })).map((update) => update.update_id)).toEqual([second, third]);
    expect(fake.confirmedUpdateId).toBe(first);
    expect(fake.pendingUpdates()).toBe(2);
    expect(await bot.api.getUpdates({ offset: (third ?? 0) + 1 })).toEqual([]);
    expect(fake.confirmedUpdateId).toBe(third);
  });

  it("holds a long poll until an update arrives, or answers [] when its timeout passes", async () => {
    const started = Date.now();
    const poll = bot.api.getUpdates({ timeout: 10 });
    await waitFor(() => fake.callsTo("getUpdates").length === 1);
    const updateId = anna.send("Hallo");

    expect((await poll).map((update) => update.update_id)).toEqual([updateId]);
    expect(Date.now() - started).toBeLessThan(1000);

    const waited = Date.now();
    expect(await bot.api.getUpdates({ offset: updateId + 1, timeout: 1 })).toEqual([]);
    expect(Date.now() - waited).toBeGreaterThanOrEqual(900);
  });

  it("ends a held poll with 409 Conflict when another getUpdates arrives", async () => {
    const first = bot.api.getUpdates({ timeout: 30 });
    await waitFor(() => fake.callsTo("getUpdates").length === 1);

    const second = bot.api.getUpdates({ timeout: 0 });

    expect((await rejectionOf(first)).error_code).toBe(409);
    expect(await second).toEqual([]);
  });

  it("answers a held long poll with [] when it stops, without waiting for the poll's timeout", async () => {
    const poll = bot.api.getUpdates({ timeout: 30 });
    await waitFor(() => fake.callsTo("getUpdates").length === 1);

    const started = Date.now();
    await fake.stop();

    expect(await poll).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("keeps commands per language and refuses getUpdates while a webhook is set", async () => {
    await bot.api.setMyCommands([{ command: "start", description: "Start" }]);
    await bot.api.setMyCommands([{ command: "start", description: "Начать" }], { language_code: "ru" });
    expect(await bot.api.getMyCommands({ language_code: "ru" })).toEqual([{ command: "start", description: "Начать" }]);
    expect(await bot.api.getMyCommands()).toEqual([{ command: "start", description: "Start" }]);

    await bot.api.setWebhook("https://bot.belm.de/hook");
    expect((await bot.api.getWebhookInfo()).url).toBe("https://bot.belm.de/hook");
    expect((await rejectionOf(bot.api.getUpdates())).error_code).toBe(409);
    await bot.api.deleteWebhook();
    expect(await bot.api.getUpdates()).toEqual([]);
  });
});

describe("the user driver", () => {
  it("reports what the bot last sent when a reply does not come, and fails expectNoReply on a reply", async () => {
    bot.on("message:text", (ctx) => ctx.reply("Nur eine Antwort"));
    startPolling();
    anna.send("eins");
    await anna.nextReply();

    await expect(anna.nextReply({ timeoutMs: 100 })).rejects.toThrow(/no reply within 100 ms[\s\S]*Nur eine Antwort/);
    anna.send("zwei");
    await expect(anna.expectNoReply(2000)).rejects.toThrow(/Expected no reply to Anna \(1001\).*Nur eine Antwort/);
  });
});
