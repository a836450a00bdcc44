import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { run } from "@grammyjs/runner";
import type { Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { backupDatabase } from "./backup.js";
import { createBot, publishCommands, UPDATES_IN_PARALLEL } from "./bot/create-bot.js";
import { createHttpServer } from "./bot/http-server.js";
import { InFlightUpdates } from "./bot/in-flight.js";
import type { BotDeps } from "./bot/context.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createDb } from "./db.js";
import { sqliteFilePath } from "./db-url.js";
import { seedDemoData } from "./demo/index.js";
import { checkHealth, UpdateReceipts, UPDATES_STALE_AFTER_MS } from "./health.js";
import { createJobs } from "./bot/jobs.js";
import { startScheduler, type Job } from "./jobs/scheduler.js";
import { createLogger, type Logger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { applyMigrations } from "./migrate.js";
import { settlesWithin, systemClock } from "./time.js";

const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/**
 * A stop ends within STOP_DEADLINE_MS whatever happens (Docker kills after 10 s): updates in
 * flight get UPDATES_GRACE_MS, running jobs JOBS_GRACE_MS, then their claims are handed back.
 */
export const STOP_DEADLINE_MS = 9_000;
const UPDATES_GRACE_MS = 4_000;
const JOBS_GRACE_MS = 2_500;
/** How often webhook mode asks Telegram whether its webhook works (there is no getUpdates to watch). */
const WEBHOOK_CHECK_MS = 60_000;

export interface AppOptions {
  botInfo?: UserFromGetMe;
  /** For tests: how long without updates counts as unhealthy. */
  updatesStaleAfterMs?: number;
}

export interface RunningApp {
  /** The port of the HTTP server (/healthz, /metrics, and the webhook in webhook mode). */
  port: number;
  /** Stops taking updates, lets in-flight updates and jobs finish (bounded), closes the database. */
  stop(): Promise<void>;
}

/** Marks every successful getUpdates: in polling mode that is what "updates are being received" means. */
function recordPolls(receipts: UpdateReceipts, onUpdates: (count: number) => void): Transformer {
  return async (previous, method, payload, signal) => {
    const result = await previous(method, payload, signal);
    if (method === "getUpdates" && result.ok) {
      receipts.mark();
      onUpdates((result.result as unknown[]).length);
    }
    return result;
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

function nightlyBackupJob(config: Config, deps: BotDeps): Job[] {
  const databasePath = sqliteFilePath(config.databaseUrl);
  if (!databasePath) return [];
  return [
    {
      name: "backup",
      cron: "15 3 * * *",
      run: async () =>
        deps.logger.info("backup written", {
          file: await backupDatabase(databasePath, config.backupDir, deps.clock()),
        }),
    },
  ];
}

/** Starts the bot described by `config` on a migrated database. */
export async function startApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<RunningApp> {
  const db = createDb(config.databaseUrl);
  await db.$connect();
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
  const metrics = createMetrics(db);
  const receipts = new UpdateReceipts();
  const bot = createBot(config.botToken, {
    ...deps,
    apiRoot: config.botApiRoot,
    botInfo: options.botInfo,
    inFlight,
    metrics,
  });
  bot.catch((error) =>
    logger.error("unhandled bot error", { updateId: error.ctx.update.update_id, error: error.error }),
  );
  bot.api.config.use(recordPolls(receipts, metrics.updatesReceived));
  await bot.init();
  await publishCommands(bot);

  const webhookUrl = config.mode === "webhook" ? new URL(config.webhookUrl ?? "") : undefined;
  const server = createHttpServer(
    {
      health: () =>
        checkHealth({
          db,
          databasePath: sqliteFilePath(config.databaseUrl),
          receipts,
          staleAfterMs: options.updatesStaleAfterMs ?? UPDATES_STALE_AFTER_MS,
        }),
      metrics,
      webhook: webhookUrl && {
        bot,
        path: webhookUrl.pathname,
        secretToken: config.webhookSecret ?? "",
        onUpdate: () => {
          receipts.mark();
          metrics.updatesReceived(1);
        },
      },
    },
    logger,
  );
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const port = (server.address() as AddressInfo).port;

  let stopUpdates: () => Promise<void>;
  if (webhookUrl) {
    await bot.api.setWebhook(webhookUrl.href, {
      secret_token: config.webhookSecret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    receipts.mark();
    const check = setInterval(() => {
      bot.api.getWebhookInfo().then(
        (info) => {
          const recentError =
            info.last_error_date !== undefined && Date.now() - info.last_error_date * 1000 < WEBHOOK_CHECK_MS * 2;
          if (info.url === webhookUrl.href && !recentError) receipts.mark();
        },
        (error: unknown) => logger.warn("webhook check failed", { error }),
      );
    }, WEBHOOK_CHECK_MS);
    stopUpdates = async () => {
      clearInterval(check);
      await closeServer(server);
    };
  } else {
    await bot.api.deleteWebhook();
    const runner = run(bot, {
      runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
      sink: { concurrency: UPDATES_IN_PARALLEL },
    });
    stopUpdates = async () => {
      await runner.stop();
    };
  }
  const scheduler = startScheduler(
    [...createJobs(deps, bot.api), ...nightlyBackupJob(config, deps)],
    config.timeZone,
    logger,
    metrics.jobRun,
  );
  logger.info("bot started", { username: bot.botInfo.username, mode: config.mode, port });

  return {
    port,
    async stop() {
      if (!(await settlesWithin(stopUpdates(), UPDATES_GRACE_MS / 2)))
        logger.warn("update source did not stop in time");
      if (!(await settlesWithin(inFlight.idle(), UPDATES_GRACE_MS)))
        logger.warn("updates still in flight at stop", { graceMs: UPDATES_GRACE_MS });
      await scheduler.stop(JOBS_GRACE_MS);
      server.closeAllConnections();
      await closeServer(server);
      await db.$disconnect();
      logger.info("bot stopped");
    },
  };
}

/** Reads .env and the environment; on any bad value prints one line per variable and exits 1. */
function configOrExit(): Config {
  if (existsSync(".env")) process.loadEnvFile(".env");
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    console.error("See .env.example for every variable and its meaning.");
    process.exit(1);
  }
}

/**
 * The container's command: configuration first, then migrations, then the bot. Stops on
 * SIGTERM/SIGINT within STOP_DEADLINE_MS, also when something hangs.
 */
async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const started: { app?: RunningApp } = {};
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    setTimeout(() => {
      logger.error("stop took too long; exiting anyway", { deadlineMs: STOP_DEADLINE_MS });
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    (started.app?.stop() ?? Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("error while stopping", { error });
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));

  logger.info("applying database migrations");
  await applyMigrations(config.databaseUrl);
  if (stopping) return;
  started.app = await startApp(config, logger);
  if (stopping) await started.app.stop().then(() => process.exit(0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
