import { run, type RunnerHandle } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { BotContext } from "../../src/bot/context.js";
import type { BulkLimiterOptions } from "../../src/bot/bulk.js";
import { createBot, UPDATES_IN_PARALLEL } from "../../src/bot/create-bot.js";
import type { FloodGuardOptions } from "../../src/bot/flood-guard.js";
import { InFlightUpdates } from "../../src/bot/in-flight.js";
import type { Db } from "../../src/db.js";
import type { PrivacyContacts } from "../../src/features/onboarding/privacy.js";
import { createLogger, type Logger } from "../../src/logger.js";
import type { Clock } from "../../src/time.js";
import { createTestDb } from "./db.js";
import { FakeTelegram } from "./fake-telegram.js";
import type { TelegramUser } from "./user.js";

export interface TestBotOptions {
  clock?: Clock;
  adminTelegramIds?: number[];
  /** Pace of bulk sends, e.g. a higher limit to match a faster fake. */
  bulk?: BulkLimiterOptions;
  /** Per-person limit; by default far above what tests send, since a test taps faster than a person. */
  floodGuard?: FloodGuardOptions;
  privacy?: PrivacyContacts;
  retentionMonths?: number;
}

export interface RunningTestBot {
  bot: Bot<BotContext>;
  /** Every log line the bot wrote, parsed. */
  logs: Record<string, unknown>[];
  logger: Logger;
  /** Stops polling and waits for updates in flight, like the app's graceful stop. */
  stop(): Promise<void>;
}

/** Starts the real bot (createBot from src) with long polling against the fake Bot API. */
export function startTestBot(fake: FakeTelegram, db: Db, options: TestBotOptions = {}): RunningTestBot {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger("debug", (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const inFlight = new InFlightUpdates();
  const bot = createBot(fake.token, {
    db,
    clock: options.clock ?? (() => new Date()),
    logger,
    timeZone: "Europe/Berlin",
    adminTelegramIds: options.adminTelegramIds ?? [],
    privacy: options.privacy,
    retentionMonths: options.retentionMonths,
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo,
    bulk: options.bulk,
    floodGuard: options.floodGuard ?? { limit: 10_000 },
    inFlight,
  });
  const runner: RunnerHandle = run(bot, {
    runner: { fetch: { timeout: 1 } },
    sink: { concurrency: UPDATES_IN_PARALLEL },
  });
  const stop = async () => {
    await runner.stop();
    await inFlight.idle();
  };
  return { bot, logs, logger, stop };
}

/** Takes a user through /start and consent (German or Russian), up to the main menu. */
export async function onboard(user: TelegramUser): Promise<void> {
  user.send("/start");
  await user.nextReply();
  user.tap(/^(Weiter|Далее|Далі|Continue)/);
  await user.replies(2); // the welcome loses its buttons; the privacy text
  user.tap(/^✅/);
  await user.replies(3); // the consent buttons go; thanks; the menu
}

/** What an end-to-end test file runs against: the fake Bot API, its own database and the bot. */
export interface BotTestEnvironment {
  fake: FakeTelegram;
  db: Db;
  running: RunningTestBot;
}

export async function startBotTestEnvironment(options: TestBotOptions = {}): Promise<BotTestEnvironment> {
  const fake = await FakeTelegram.start();
  const { db } = createTestDb();
  return { fake, db, running: startTestBot(fake, db, options) };
}

export async function stopBotTestEnvironment({ fake, db, running }: BotTestEnvironment): Promise<void> {
  await running.stop();
  await db.$disconnect();
  await fake.stop();
}
