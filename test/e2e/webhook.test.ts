import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startApp, type RunningApp } from "../../src/main.js";
import { createTestDb } from "../support/db.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { waitFor } from "../support/user.js";

const SECRET = "webhook-secret-for-tests-0123456789";
let fake: FakeTelegram;
let app: RunningApp;
let baseUrl: string;
const { db, url: databaseUrl } = createTestDb();

beforeAll(async () => {
  fake = await FakeTelegram.start();
  const config = loadConfig({
    BOT_TOKEN: fake.token,
    BOT_API_ROOT: fake.apiRoot,
    DATABASE_URL: databaseUrl,
    MODE: "webhook",
    WEBHOOK_URL: "https://bot.belm.example/telegram/hook",
    WEBHOOK_SECRET: SECRET,
    PORT: "1",
  });
  app = await startApp(
    { ...config, port: 0 },
    createLogger("error", () => undefined),
  );
  baseUrl = `http://127.0.0.1:${app.port}`;
});
afterAll(async () => {
  await app.stop();
  await db.$disconnect();
  await fake.stop();
});

function startUpdate(updateId: number, userId: number): Update {
  const user = { id: userId, is_bot: false, first_name: "Ada", language_code: "de" };
  return {
    update_id: updateId,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: "private", first_name: "Ada" },
      from: user,
      text: "/start",
      entities: [{ type: "bot_command", offset: 0, length: 6 }],
    },
  };
}

function post(update: Update, secret?: string): Promise<Response> {
  return fetch(`${baseUrl}/telegram/hook`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
    body: JSON.stringify(update),
  });
}

describe("webhook mode", () => {
  it("registers the webhook with its secret", () => {
    const call = fake.callsTo("setWebhook").at(-1);
    expect(call?.params).toMatchObject({ url: "https://bot.belm.example/telegram/hook", secret_token: SECRET });
  });

  it("processes an update that carries the right secret", async () => {
    fake.user({ id: 8101, firstName: "Ada", languageCode: "de" }); // Telegram knows the chat
    const response = await post(startUpdate(1, 8101), SECRET);
    expect(response.status).toBe(200);
    const welcome = await waitFor(() => fake.messagesIn(8101)[0]);
    expect(welcome.text).toContain("Willkommen beim Quartiersmanagement Belm");
  });

  it("answers 401 to a wrong or missing secret and processes nothing", async () => {
    fake.user({ id: 8102, firstName: "Ada", languageCode: "de" });
    expect((await post(startUpdate(2, 8102), "wrong-secret-wrong-secret")).status).toBe(401);
    expect((await post(startUpdate(3, 8102))).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.messagesIn(8102)).toEqual([]);
    expect(await db.person.count({ where: { telegramId: 8102n } })).toBe(0);
  });

  it("answers the health check", async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect((await fetch(`${baseUrl}/elsewhere`)).status).toBe(404);
  });

  it("answers 413 to a body over 1 MB and 400 to malformed JSON, without a stack trace and without processing", async () => {
    fake.user({ id: 8103, firstName: "Ada", languageCode: "de" });
    const huge = JSON.stringify({ ...startUpdate(4, 8103), padding: "x".repeat(5 * 1024 * 1024) });
    const tooLarge = await fetch(`${baseUrl}/telegram/hook`, {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": SECRET },
      body: huge,
    });
    expect(tooLarge.status).toBe(413);

    const malformed = await fetch(`${baseUrl}/telegram/hook`, {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": SECRET },
      body: '{"update_id": 5, "message": {',
    });
    expect(malformed.status).toBe(400);
    const text = await malformed.text();
    expect(text).not.toMatch(/\bat .*:\d+:\d+|Error:/);

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.messagesIn(8103)).toEqual([]);
    expect(await db.person.count({ where: { telegramId: 8103n } })).toBe(0);
  });

  it("serves Prometheus metrics with the updates handled and the queues", async () => {
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toMatch(/^belm_updates_handled_total\{kind="message"\} [1-9]/m);
    expect(text).toMatch(/^belm_update_duration_seconds_count\{kind="message"\} [1-9]/m);
    expect(text).toMatch(/^belm_handler_errors_total 0$/m);
    expect(text).toMatch(/^belm_reminders_pending\{state="due"\} 0$/m);
    expect(text).toMatch(/^belm_broadcast_deliveries_queued\{status="pending"\} 0$/m);
    expect(text).toMatch(/^belm_people_blocked 0$/m);
  });
});
