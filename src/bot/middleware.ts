import type { Middleware, MiddlewareFn, NextFunction } from "grammy";
import type { Role } from "../generated/prisma/client.js";
import { languageFromTelegram, languageOf, translator, FALLBACK_LANGUAGE } from "../i18n.js";
import { clearBlocked, findOrCreatePerson, hasConsented } from "../features/onboarding/service.js";
import { hasRole } from "../people/roles.js";
import { activityIsStale, recordActivity } from "../features/onboarding/retention.js";
import type { BotContext, BotDeps } from "./context.js";

/**
 * The bot talks to people in private chats only; updates from groups and channels are
 * acknowledged and dropped, so nobody is registered through a group.
 */
export const privateChatsOnly: Middleware<BotContext> = async (ctx, next) => {
  if (ctx.chat?.type === "private" && ctx.from && !ctx.from.is_bot) await next();
};

/** Loads or creates the person and installs their language on the context. */
export function loadPerson(deps: BotDeps): Middleware<BotContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from || !ctx.chat) return;
    const person = await findOrCreatePerson(
      deps.db,
      { telegramId: from.id, chatId: ctx.chat.id, language: languageFromTelegram(from.language_code) },
      deps.adminTelegramIds,
    );
    if (person.blockedAt) await clearBlocked(deps.db, person.id);
    // Retention counts from the last use; written at most once a day, from the row just loaded.
    const now = deps.clock();
    if (activityIsStale(person.lastActiveAt, now)) {
      await recordActivity(deps.db, person.id, now);
      person.lastActiveAt = now;
    }
    ctx.person = person;
    ctx.language = languageOf(person.language);
    ctx.t = translator(person.language);
    await next();
  };
}

/** Lets the update through only for people who gave consent; others are told how to give it. */
export async function requireConsent(ctx: BotContext, next: NextFunction): Promise<void> {
  if (hasConsented(ctx.person)) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("onboarding.need_consent"));
}

/**
 * Hides handlers from people without one of the roles. This is a convenience only: services
 * check roles again, because callback data can be forged.
 */
export function requireRole(...roles: Role[]): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (hasRole(ctx.person, ...roles)) return next();
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("errors.forbidden"), show_alert: true });
    else await ctx.reply(ctx.t("errors.forbidden"));
  };
}

/** The language to answer in when the person could not be loaded (e.g. the database failed). */
export function fallbackTranslator(ctx: BotContext) {
  return "t" in ctx && typeof ctx.t === "function"
    ? ctx.t
    : translator(languageFromTelegram(ctx.from?.language_code) ?? FALLBACK_LANGUAGE);
}
