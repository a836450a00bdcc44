import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { run, type RunnerHandle } from "@grammyjs/runner";
import type { UserFromGetMe } from "grammy/types";
import { createBot, publishCommands } from "./bot/create-bot.js";
import { InFlightUpdates } from "./bot/in-flight.js";
import type { BotDeps } from "./bot/context.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createDb } from "./db.js";
import { seedDemoData } from "./demo-data.js";
import { createJobs } from "./jobs/index.js";
import { startScheduler } from "./jobs/scheduler.js";
import { createLogger, type Logger } from "./logger.js";
import { systemClock } from "./time.js";
import { createWebhookServer } from "./bot/webhook-server.js";

const ALLOWED_UPDATES = ["message", "callback_query"] as const;

export interface RunningApp {
  /** The port the webhook server listens on (webhook mode only). */
  port: number | undefined;
  /** Stops taking updates, lets in-flight updates and jobs finish, closes the database. */
  stop(): Promise<void>;
}

/** Starts the bot described by `config` (migrations are applied by `npm start` before this). */
export async function startApp(config: Config, logger: Logger, botInfo?: UserFromGetMe): Promise<RunningApp> {
  const db = createDb(config.databaseUrl);
  const deps: BotDeps = {
    db,
    clock: systemClock,
    logger,
    timeZone: config.timeZone,
    adminTelegramIds: config.adminTelegramIds,
    privacy: config.privacy,
    retentionMonths: config.retentionMonths,
  };
  if (config.demoData) {
    const { created } = await seedDemoData(db, systemClock());
    logger.info(created ? "demo data created" : "demo data already present");
  }
  const inFlight = new InFlightUpdates();
  const bot = createBot(config.botToken, { ...deps, apiRoot: config.botApiRoot, botInfo, inFlight });
  bot.catch((error) => logger.error("unhandled bot error", { updateId: error.ctx.update.update_id, error: error.error }));
  await bot.init();
  await publishCommands(bot);

  let stopUpdates: () => Promise<void>;
  let port: number | undefined;
  if (config.mode === "webhook") {
    const webhookUrl = new URL(config.webhookUrl ?? "");
    const server = createWebhookServer(bot, { path: webhookUrl.pathname, secretToken: config.webhookSecret ?? "" }, logger);
    await new Promise<void>((resolve) => server.listen(config.port, resolve));
    port = (server.address() as AddressInfo).port;
    await bot.api.setWebhook(webhookUrl.href, { secret_token: config.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
    stopUpdates = () => new Promise((resolve) => server.close(() => resolve()));
  } else {
    await bot.api.deleteWebhook();
    const runner: RunnerHandle = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    stopUpdates = () => runner.stop();
  }
  const scheduler = startScheduler(createJobs(deps, bot.api), config.timeZone, logger);
  logger.info("bot started", { username: bot.botInfo.username, mode: config.mode, port });

  return {
    port,
    async stop() {
      await stopUpdates();
      await inFlight.idle();
      await scheduler.stop();
      await db.$disconnect();
      logger.info("bot stopped");
    },
  };
}

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    console.error("See .env.example for every variable and its meaning.");
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("error while stopping", { error });
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
