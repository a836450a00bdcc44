import type { Conversation } from "@grammyjs/conversations";
import type { Translate } from "../i18n.js";
import type { CallbackData } from "./callback-data.js";
import type { BotContext, ConversationContext } from "./context.js";

export type BotConversation = Conversation<BotContext, ConversationContext>;

/**
 * Waits until the person presses one of the buttons described by `data`. Anything else (text,
 * stickers, buttons of old messages) gets a short hint in the person's language and changes
 * nothing; /cancel is handled outside the conversation and ends it.
 */
export async function waitForButton<Values extends readonly unknown[]>(
  conversation: BotConversation,
  data: CallbackData<Values>,
  t: Translate,
): Promise<{ ctx: ConversationContext; values: Values }> {
  for (;;) {
    const ctx = await conversation.wait();
    const values = data.unpack(ctx.callbackQuery?.data);
    if (values) {
      await ctx.answerCallbackQuery();
      return { ctx, values };
    }
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t("errors.button_expired") });
    else await ctx.reply(t("onboarding.use_buttons"));
  }
}
