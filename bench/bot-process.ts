/**
 * One bot in its own process for bench/responsiveness.ts, so that its CPU time and memory are
 * measured apart from the fake Bot API. `belm` is the real bot (createBot from src); `bare` is a
 * bare grammY bot answering the same commands with fixed texts. Answers "stats" on IPC with its
 * CPU time and RSS; writes its log lines (warn and above) to stderr.
 *
 *   tsx bench/bot-process.ts <belm|bare> <apiRoot> <token> <databaseFile>
 */
import { run } from "@grammyjs/runner";
import { Bot } from "grammy";
import { createBot, UPDATES_IN_PARALLEL } from "../src/bot/create-bot.js";
import { createDb } from "../src/db.js";
import { translator } from "../src/i18n.js";
import { createLogger } from "../src/logger.js";
import { testBotInfo } from "../test/support/bot-info.js";

const [kind = "belm", apiRoot = "", token = "", databaseFile = ""] = process.argv.slice(2);
const botInfo = testBotInfo();

function bareBot(): Bot {
  const t = translator("de");
  const bot = new Bot(token, { botInfo, client: { apiRoot } });
  bot.command("help", (ctx) => ctx.reply(t("help.text")));
  bot.command("courses", (ctx) => ctx.reply("Kurse"));
  bot.command("events", (ctx) => ctx.reply("Veranstaltungen"));
  bot.on("message:text", (ctx) => ctx.reply(t("errors.not_understood")));
  return bot;
}

function belmBot() {
  const db = createDb(`file:${databaseFile}`);
  const logger = createLogger("warn");
  return createBot(token, {
    db,
    clock: () => new Date(),
    logger,
    timeZone: "Europe/Berlin",
    adminTelegramIds: [],
    apiRoot,
    botInfo,
  });
}

const options = { runner: { fetch: { timeout: 1 } } };
// The bare bot runs with the runner's defaults; ours as src/main.ts runs it.
if (kind === "bare") run(bareBot(), options);
else run(belmBot(), { ...options, sink: { concurrency: UPDATES_IN_PARALLEL } });
process.on("message", (message) => {
  if (message !== "stats") return;
  const cpu = process.cpuUsage();
  process.send?.({ cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.memoryUsage().rss / 2 ** 20 });
});
process.send?.("ready");
process.once("SIGINT", () => process.exit(0));
