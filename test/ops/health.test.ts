import { rmSync } from "node:fs";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { sqliteFilePath } from "../../src/db-url.js";
import { createLogger } from "../../src/logger.js";
import { startApp, type RunningApp } from "../../src/main.js";
import { createTestDb } from "../support/db.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { waitFor } from "../support/user.js";

let fake: FakeTelegram;
let app: RunningApp | undefined;

beforeAll(async () => {
  fake = await FakeTelegram.start();
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
});
afterAll(() => fake.stop());

/** The whole app in polling mode on its own database, like `npm start` after the migrations. */
async function startPolling(updatesStaleAfterMs?: number): Promise<{ url: string; databasePath: string }> {
  const { db, url: databaseUrl } = createTestDb();
  await db.$disconnect();
  const config = loadConfig({
    BOT_TOKEN: fake.token,
    BOT_API_ROOT: fake.apiRoot,
    DATABASE_URL: databaseUrl,
    PORT: "0",
  });
  app = await startApp(
    config,
    createLogger("error", () => undefined),
    { botInfo: fake.botInfo, updatesStaleAfterMs },
  );
  return { url: `http://127.0.0.1:${app.port}/healthz`, databasePath: sqliteFilePath(databaseUrl) ?? "" };
}

async function health(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe("GET /healthz in polling mode", () => {
  it("is 200 while the database answers and polls return", async () => {
    const { url } = await startPolling();
    expect(await health(url)).toEqual({ status: 200, body: { ok: true } });
  });

  it("is 503 with a reason when the database is gone", async () => {
    const { url, databasePath } = await startPolling();
    for (const file of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`]) rmSync(file, { force: true });
    expect(await health(url)).toEqual({ status: 503, body: { ok: false, reason: "database file missing" } });
  });

  it("is 503 when no getUpdates answer came within the bound", async () => {
    // The fake holds a long poll until an update arrives, so with nobody writing none returns.
    const { url } = await startPolling(1_500);
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    const { status, body } = await health(url);
    expect(status).toBe(503);
    expect(body).toMatchObject({ ok: false, reason: expect.stringContaining("no updates received") as unknown });
    const user = fake.user({ id: 7601, firstName: "Ada", languageCode: "de" });
    user.send("/start");
    // The poll that brings the update counts as a receipt.
    await waitFor(async () => (await health(url)).status === 200, 5_000);
  });
});
