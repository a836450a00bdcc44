import { limit } from "@grammyjs/ratelimiter";
import type { MiddlewareFn } from "grammy";
import { languageFromTelegram, languageOf, translator, type Language } from "../i18n.js";
import type { BotContext, BotDeps } from "./context.js";

export interface FloodGuardOptions {
  /** Updates one person may send per window. */
  limit?: number;
  /** Length of the window in milliseconds. */
  windowMs?: number;
}

export const FLOOD_GUARD_DEFAULTS = { limit: 8, windowMs: 5_000 } as const;

/**
 * Keeps one person who sends dozens of updates from slowing everyone else down. Within a window
 * a person's updates beyond the limit are dropped before any database work; the first one
 * dropped gets one polite notice in the person's language (a single read of their saved
 * language), the rest get nothing until the window has passed.
 */
export function floodGuard(deps: Pick<BotDeps, "db" | "logger">, options: FloodGuardOptions = {}): MiddlewareFn<BotContext> {
  const { limit: perWindow, windowMs } = { ...FLOOD_GUARD_DEFAULTS, ...options };
  return limit<BotContext, never>({
    limit: perWindow,
    timeFrame: windowMs,
    keyGenerator: (ctx) => (ctx.chat?.type === "private" ? ctx.from?.id.toString() : undefined),
    onLimitExceeded: (ctx) => {
      void tellToSlowDown(deps, ctx).catch((error: unknown) => deps.logger.info("could not send the flood notice", { error }));
    },
  });
}

async function tellToSlowDown(deps: Pick<BotDeps, "db" | "logger">, ctx: BotContext): Promise<void> {
  const from = ctx.from;
  if (!from || !ctx.chat) return;
  deps.logger.info("flood guard: updates dropped", { telegramId: from.id });
  const saved = await deps.db.person.findUnique({ where: { telegramId: BigInt(from.id) }, select: { language: true } });
  const language: Language = saved ? languageOf(saved.language) : languageFromTelegram(from.language_code);
  const t = translator(language);
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t("errors.slow_down") });
  else await ctx.reply(t("errors.slow_down"));
}
