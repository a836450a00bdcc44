import { Composer, type BotError } from "grammy";
import type { Logger } from "../logger.js";
import type { BotContext } from "./context.js";
import { fallbackTranslator } from "./middleware.js";
import { isBlocked } from "./notify.js";
import { ForbiddenError } from "../people/roles.js";

/** /cancel leaves whatever conversation is active; mounted before the conversations run. */
export const cancelCommand = new Composer<BotContext>();
cancelCommand.command("cancel", async (ctx) => {
  const active = Object.keys(ctx.conversation.active()).length > 0;
  await ctx.conversation.exitAll();
  await ctx.reply(ctx.t(active ? "cancel.done" : "cancel.nothing"));
});

/** The last feature: whatever nobody handled gets a helpful answer instead of silence. */
export const unhandled = new Composer<BotContext>();
unhandled.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") }));
unhandled.on("message::bot_command", (ctx) => ctx.reply(ctx.t("errors.unknown_command")));
unhandled.on("message", (ctx) => ctx.reply(ctx.t("errors.not_understood")));

/** Logs an error with its update id and tells the person politely; never rethrows. */
export function errorHandler(logger: Logger, onFailure?: () => void) {
  return async (error: BotError<BotContext>): Promise<void> => {
    const ctx = error.ctx;
    // The person blocked the bot while we answered: marked by the API transformer, nobody to tell.
    if (isBlocked(error.error)) {
      logger.info("person blocked the bot", { updateId: ctx.update.update_id });
      return;
    }
    // A refused role check is an answer, not a fault: a forged or stale button was pressed.
    const forbidden = error.error instanceof ForbiddenError;
    if (forbidden) logger.warn("refused", { updateId: ctx.update.update_id, needed: error.error.needed });
    else {
      logger.error("update failed", { updateId: ctx.update.update_id, error: error.error });
      onFailure?.();
    }
    try {
      const t = fallbackTranslator(ctx);
      const key = forbidden ? "errors.forbidden" : "errors.generic";
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t(key) }).catch(() => undefined);
      if (ctx.chat) await ctx.reply(t(key));
    } catch (replyError) {
      logger.warn("could not tell the person about the error", { updateId: ctx.update.update_id, error: replyError });
    }
  };
}
