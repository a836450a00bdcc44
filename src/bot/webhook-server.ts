import { createServer, type Server } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { BotContext } from "./context.js";
import type { Logger } from "../logger.js";

export interface WebhookServerOptions {
  /** The path Telegram posts updates to (the path of WEBHOOK_URL). */
  path: string;
  /** Telegram sends it in X-Telegram-Bot-Api-Secret-Token; requests without it get 401. */
  secretToken: string;
}

/** Receives updates from Telegram and answers GET /healthz for the container's health check. */
export function createWebhookServer(bot: Bot<BotContext>, options: WebhookServerOptions, logger: Logger): Server {
  const handleUpdate = webhookCallback(bot, "http", {
    secretToken: options.secretToken,
    // Answer Telegram before its own timeout; the update keeps being processed.
    onTimeout: "return",
    timeoutMilliseconds: 50_000,
  });
  return createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (request.method === "GET" && path === "/healthz") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    } else if (request.method === "POST" && path === options.path) {
      handleUpdate(request, response).catch((error: unknown) => {
        logger.error("webhook request failed", { error });
        if (!response.headersSent) response.writeHead(500).end();
      });
    } else {
      response.writeHead(404).end();
    }
  });
}
