import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "./context.js";
import type { HealthReport } from "../health.js";
import type { Logger } from "../logger.js";
import type { BotMetrics } from "../metrics.js";
import { settlesWithin } from "../time.js";

/** Telegram's updates are a few kilobytes; anything above this is not from Telegram. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** Telegram retries a webhook it gets no answer for; answer before that while the update goes on. */
const WEBHOOK_ANSWER_MS = 50_000;

export interface WebhookOptions {
  bot: Bot<BotContext>;
  /** The path Telegram posts updates to (the path of WEBHOOK_URL). */
  path: string;
  /** Telegram sends it in X-Telegram-Bot-Api-Secret-Token; requests without it get 401. */
  secretToken: string;
  /** Called for each accepted update, before it is handled. */
  onUpdate(): void;
}

export interface HttpServerOptions {
  health(): Promise<HealthReport>;
  metrics?: BotMetrics;
  /** Webhook mode only. */
  webhook?: WebhookOptions;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function secretMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request body, or undefined once it grows beyond `limit` bytes (reading then stops). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers["content-length"] ?? 0) > limit) return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners("data");
        request.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function parseUpdate(body: Buffer): Update | undefined {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    const isUpdate =
      typeof value === "object" && value !== null && typeof (value as { update_id?: unknown }).update_id === "number";
    return isUpdate ? (value as Update) : undefined;
  } catch {
    return undefined;
  }
}

async function receiveUpdate(
  webhook: WebhookOptions,
  request: IncomingMessage,
  response: ServerResponse,
  logger: Logger,
): Promise<void> {
  if (!secretMatches(request.headers["x-telegram-bot-api-secret-token"], webhook.secretToken))
    return sendJson(response, 401, { error: "wrong secret" });
  const body = await readBody(request, MAX_WEBHOOK_BODY_BYTES);
  if (!body) {
    response.setHeader("connection", "close");
    return sendJson(response, 413, { error: "body larger than 1 MB" });
  }
  const update = parseUpdate(body);
  if (!update) return sendJson(response, 400, { error: "body is not a Telegram update in JSON" });
  webhook.onUpdate();
  const handled = webhook.bot
    .handleUpdate(update)
    .catch((error: unknown) => logger.error("webhook update failed", { updateId: update.update_id, error }));
  await settlesWithin(handled, WEBHOOK_ANSWER_MS);
  sendJson(response, 200, { ok: true });
}

async function answer(
  options: HttpServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  logger: Logger,
): Promise<void> {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (request.method === "GET" && path === "/healthz") {
    const report = await options.health();
    return sendJson(response, report.ok ? 200 : 503, report);
  }
  if (request.method === "GET" && path === "/metrics" && options.metrics) {
    const { registry } = options.metrics;
    const text = await registry.metrics();
    response.writeHead(200, { "content-type": registry.contentType }).end(text);
    return;
  }
  if (request.method === "POST" && options.webhook && path === options.webhook.path)
    return receiveUpdate(options.webhook, request, response, logger);
  sendJson(response, 404, { error: "not found" });
}

/** GET /healthz and GET /metrics in both modes; in webhook mode also Telegram's POSTs. */
export function createHttpServer(options: HttpServerOptions, logger: Logger): Server {
  return createServer((request, response) => {
    answer(options, request, response, logger).catch((error: unknown) => {
      logger.error("http request failed", { path: request.url, error });
      if (!response.headersSent) sendJson(response, 500, { error: "internal error" });
    });
  });
}
