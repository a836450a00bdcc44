import { conversations, createConversation, type Conversation, type ConversationFlavor } from "@grammyjs/conversations";
import { Bot, type Context } from "grammy";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prismaConversationStorage } from "../../src/bot/conversation-storage.js";
import type { Db } from "../../src/db.js";
import { createTestDb } from "../support/db.js";
import { testBotInfo } from "../support/bot-info.js";

type OuterContext = ConversationFlavor<Context>;

const botInfo = testBotInfo();

const irina = {
  id: 7001,
  is_bot: false,
  first_name: "Ирина",
  last_name: "Петрова",
  username: "irina_p",
  language_code: "ru",
};

let db: Db;
beforeAll(() => {
  db = createTestDb().db;
});
afterAll(async () => {
  await db.$disconnect();
});

let updateId = 0;
function textFrom(from: typeof irina, text: string): Update {
  const update: Update = {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      date: 1_764_000_000,
      chat: {
        id: from.id,
        type: "private",
        first_name: from.first_name,
        last_name: from.last_name,
        username: from.username,
      },
      from,
      text,
      ...(text.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: text.length }] } : {}),
    },
  };
  return update;
}

/**
 * A bot whose conversation keeps a value from `external` (with keys Telegram also uses) across a
 * wait, and replies through the Bot API (whose answer names the chat). Each call builds a fresh
 * bot on the same database, like a restart.
 */
function botWithConversation(seen: unknown[]): Bot<OuterContext> {
  // Telegram's answers, without a server: a sent message names the chat it went to.
  const fakeFetch = ((url: string, init?: { body?: string }) => {
    const method = url.split("/").pop();
    const chat = { id: irina.id, type: "private", first_name: irina.first_name, username: irina.username };
    const text = method === "sendMessage" ? (JSON.parse(init?.body ?? "{}") as { text: string }).text : undefined;
    const result = method === "sendMessage" ? { message_id: 1, date: 1_764_000_000, chat, text } : true;
    return Promise.resolve(
      new Response(JSON.stringify({ ok: true, result }), { headers: { "content-type": "application/json" } }),
    );
  }) as unknown as typeof fetch;
  const bot = new Bot<OuterContext>("123:test", { botInfo, client: { fetch: fakeFetch } });
  bot.use(conversations({ storage: { type: "key", adapter: prismaConversationStorage(db) } }));
  async function keep(conversation: Conversation<OuterContext, Context>, ctx: Context) {
    const course = await conversation.external(() => ({
      title: "Deutsch A1",
      username: "kursleitung",
      first_name: "Kurs",
      nested: { title: "Abend" },
    }));
    await ctx.reply("Which day?");
    await conversation.waitFor("message:text");
    const now = await conversation.external(() => course);
    seen.push(now);
  }
  bot.use(createConversation(keep, "keep"));
  bot.command("start", (ctx) => ctx.conversation.enter("keep"));
  return bot;
}

describe("conversation storage", () => {
  it("replays a value returned from `external` unchanged, keys like `title` included", async () => {
    const seen: unknown[] = [];
    await botWithConversation(seen).handleUpdate(textFrom(irina, "/start"));
    // A new bot on the same database: the conversation resumes from the stored state alone.
    await botWithConversation(seen).handleUpdate(textFrom(irina, "Monday"));
    expect(seen).toEqual([
      { title: "Deutsch A1", username: "kursleitung", first_name: "Kurs", nested: { title: "Abend" } },
    ]);
  });

  it("keeps no Telegram names of the person in the stored updates and API answers", async () => {
    const seen: unknown[] = [];
    await botWithConversation(seen).handleUpdate(textFrom(irina, "/start"));
    const stored = await db.conversationState.findUniqueOrThrow({ where: { key: String(irina.id) } });
    expect(stored.value).toContain("Deutsch A1"); // the conversation's own value
    expect(stored.value).toContain(String(irina.id)); // ids stay
    for (const personal of ["Ирина", "Петрова", "irina_p", '"ru"']) expect(stored.value).not.toContain(personal);
    await botWithConversation(seen).handleUpdate(textFrom(irina, "Monday"));
    expect(await db.conversationState.count({ where: { key: String(irina.id) } })).toBe(0);
  });
});
