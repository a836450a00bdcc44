/**
 * Broadcast throughput against the fake Bot API (test/support/fake-telegram.ts), which answers
 * 429 past N sends within a sliding second. Runs the real worker and the bot's API with its bulk
 * limiter at N = 30 (Telegram's limit, the limiter's default) and N = 300 (limiter set to 300).
 *
 *   npx tsx bench/broadcast-throughput.ts
 */
import { createBot } from "../src/bot/create-bot.js";
import { createDb } from "../src/db.js";
import { createBroadcast } from "../src/features/broadcasts/service.js";
import { createBroadcastWorker } from "../src/features/broadcasts/worker.js";
import { silentLogger } from "../src/logger.js";
import { residents } from "../test/support/broadcasts.js";
import { FakeTelegram } from "../test/support/fake-telegram.js";
import { migratedDatabases } from "./migrated-db.js";

const databases = migratedDatabases();

async function measure(limit: number, recipients: number): Promise<void> {
  const db = createDb(`file:${databases.fresh(`bench-${limit}`)}`);
  const fake = await FakeTelegram.start();
  fake.setRateLimit({ perSecond: limit, retryAfter: 1 });
  const manager = await db.person.create({
    data: { telegramId: 1, chatId: 1, consentAt: new Date(), roles: { create: { role: "manager" } } },
  });
  await residents(db, fake, recipients, 10_000, { ruEvery: 3 });
  await createBroadcast(
    db,
    { id: manager.id, roles: ["manager"] },
    { audience: { kind: "everyone" }, textDe: "Sommerfest", texts: { ru: "Летний праздник" } },
    new Date(),
  );
  const bot = createBot(fake.token, {
    db,
    clock: () => new Date(),
    logger: silentLogger,
    timeZone: "Europe/Berlin",
    adminTelegramIds: [],
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo,
    bulk: { perSecond: limit },
  });
  const worker = createBroadcastWorker({ db, clock: () => new Date(), logger: silentLogger }, bot.api, {
    concurrency: Math.max(30, limit),
    batchSize: Math.max(100, limit),
  });
  const started = performance.now();
  const counts = await worker.runOnce();
  const seconds = (performance.now() - started) / 1000;
  const rate = counts.sent / seconds;
  console.log(
    `limit ${String(limit).padStart(3)}/s: ${counts.sent} sent in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} msg/s ` +
      `(${((rate / limit) * 100).toFixed(0)} % of the limit), 429s: ${fake.rateLimitHits}, failed: ${counts.failed}`,
  );
  await db.$disconnect();
  await fake.stop();
}

try {
  await measure(30, 600);
  await measure(300, 3000);
} finally {
  databases.remove();
}
