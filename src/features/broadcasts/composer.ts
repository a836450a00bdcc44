import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { requireRole } from "../../bot/middleware.js";
import { BROADCAST_COMPOSE, broadcastComposeConversation } from "./conversations.js";
import {
  announcementsData,
  broadcastData,
  resumeAnnouncementsKeyboard,
  stopAnnouncementsKeyboard,
} from "./keyboards.js";
import { cancelBroadcast, retryFailed, setBroadcastsEnabled } from "./service.js";

/**
 * Broadcasts: /broadcast for managers, the one-tap "stop announcements" button under every
 * broadcast message, and the manager's buttons on a broadcast (cancel a scheduled one, retry the
 * failed deliveries). The
 * queue itself is sent by the broadcasts job (src/features/broadcasts/worker.ts).
 */
export function broadcastsFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();

  composer.command("broadcast", requireRole("manager"), (ctx) =>
    ctx.conversation.enter(BROADCAST_COMPOSE, ctx.person.id),
  );

  composer.callbackQuery(announcementsData.filter, async (ctx) => {
    const [state] = announcementsData.unpack(ctx.callbackQuery.data) ?? [];
    if (state === undefined) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await setBroadcastsEnabled(deps.db, ctx.person.id, state === "on");
    ctx.person.broadcastsEnabled = state === "on";
    await ctx.answerCallbackQuery();
    if (state === "off")
      await ctx.reply(ctx.t("broadcasts.stopped"), { reply_markup: resumeAnnouncementsKeyboard(ctx.t) });
    else await ctx.reply(ctx.t("broadcasts.resumed"), { reply_markup: stopAnnouncementsKeyboard(ctx.t) });
  });

  composer.callbackQuery(broadcastData.filter, requireRole("manager"), async (ctx) => {
    const [action, broadcastId] = broadcastData.unpack(ctx.callbackQuery.data) ?? [];
    if (action === undefined || broadcastId === undefined)
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    switch (action) {
      case "cancel": {
        const cancelled = await cancelBroadcast(deps.db, ctx.person, broadcastId, deps.clock());
        if (!cancelled) return ctx.reply(ctx.t("broadcasts.not_cancellable"));
        return ctx.editMessageText(ctx.t("broadcasts.cancelled"));
      }
      case "retry": {
        const number = await retryFailed(deps.db, ctx.person, broadcastId);
        if (number === 0) return ctx.reply(ctx.t("broadcasts.nothing_to_retry"));
        await ctx.editMessageReplyMarkup();
        return ctx.reply(ctx.t("broadcasts.retrying", { number }));
      }
    }
  });

  return { composer, conversations: [broadcastComposeConversation(deps)] };
}
