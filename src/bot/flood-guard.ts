import { limit } from "@grammyjs/ratelimiter";
import type { MiddlewareFn } from "grammy";
import { savedLanguage } from "../features/onboarding/service.js";
import { languageFromTelegram, translator, type Language } from "../i18n.js";
import type { BotContext, BotDeps } from "./context.js";

export interface FloodGuardOptions {
  /** Updates one person may send per window. */
  limit?: number;
  /** Length of the window in milliseconds. */
  windowMs?: number;
}

export const FLOOD_GUARD_DEFAULTS = { limit: 8, windowMs: 5_000 } as const;

/** How long counts are kept; a backlog of one window's updates is worked off well within it. */
const COUNTS_KEPT_MS = 60_000;

/**
 * Keeps one person who sends dozens of updates from slowing everyone else down. Within a window
 * a person's updates beyond the limit are dropped before any database work; the first one
 * dropped gets one polite notice in the person's language (a single read of their saved
 * language), the rest get nothing until the window has passed.
 *
 * Windows are placed by when a message was *sent* (Telegram's `date`), not by when the bot gets
 * to it: counted by handling time, a flood that takes the bot longer than one window to work
 * through would be let through window after window — the busier the bot, the less it drops.
 */
export function floodGuard(
  deps: Pick<BotDeps, "db" | "logger">,
  options: FloodGuardOptions = {},
): MiddlewareFn<BotContext> {
  const { limit: perWindow, windowMs } = { ...FLOOD_GUARD_DEFAULTS, ...options };
  return limit<BotContext, never>({
    limit: perWindow,
    timeFrame: Math.max(windowMs, COUNTS_KEPT_MS),
    keyGenerator: (ctx) => {
      if (ctx.chat?.type !== "private" || !ctx.from) return undefined;
      // Button presses carry no time of their own; they are placed by when they are handled.
      const sentAt = ctx.msg?.date !== undefined && !ctx.callbackQuery ? ctx.msg.date * 1000 : Date.now();
      return `${ctx.from.id}:${Math.floor(sentAt / windowMs)}`;
    },
    onLimitExceeded: (ctx) => {
      void tellToSlowDown(deps, ctx).catch((error: unknown) =>
        deps.logger.info("could not send the flood notice", { error }),
      );
    },
  });
}

async function tellToSlowDown(deps: Pick<BotDeps, "db" | "logger">, ctx: BotContext): Promise<void> {
  const from = ctx.from;
  if (!from || !ctx.chat) return;
  deps.logger.info("flood guard: updates dropped", { telegramId: from.id });
  const language: Language = (await savedLanguage(deps.db, from.id)) ?? languageFromTelegram(from.language_code);
  const t = translator(language);
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t("errors.slow_down") });
  else await ctx.reply(t("errors.slow_down"));
}
