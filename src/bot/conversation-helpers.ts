import type { Conversation } from "@grammyjs/conversations";
import type { z } from "zod";
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

export type TextOrButton<T, Values> = { kind: "text"; value: T; ctx: ConversationContext } | { kind: "button"; values: Values; ctx: ConversationContext };

/**
 * Waits for a text answer that passes `schema`, or a press of one of the step's buttons. A
 * wrong answer gets `invalidKey` in the person's language and the question stays open.
 */
export async function waitForTextOrButton<T, Values extends readonly unknown[]>(
  conversation: BotConversation,
  t: Translate,
  options: { schema: z.ZodType<T>; invalidKey: string; buttons?: CallbackData<Values> },
): Promise<TextOrButton<T, Values>> {
  for (;;) {
    const ctx = await conversation.wait();
    if (ctx.callbackQuery) {
      const values = options.buttons?.unpack(ctx.callbackQuery.data);
      await ctx.answerCallbackQuery(values ? {} : { text: t("errors.button_expired") });
      if (values) return { kind: "button", values, ctx };
      continue;
    }
    const text = ctx.message?.text;
    const parsed = text === undefined || text.startsWith("/") ? undefined : options.schema.safeParse(text);
    if (parsed?.success) return { kind: "text", value: parsed.data, ctx };
    await ctx.reply(t(options.invalidKey));
  }
}

export type Choice<A, B> = { choice: A; ctx: ConversationContext } | { action: B; ctx: ConversationContext };

/**
 * Waits for a press of one of the step's choices (e.g. a level) or of its actions (e.g. cancel).
 * Typed messages get a hint to use the buttons; presses of old buttons are answered as expired.
 */
export async function waitForChoice<A extends readonly unknown[], B extends readonly unknown[]>(
  conversation: BotConversation,
  t: Translate,
  choices: CallbackData<A>,
  actions: CallbackData<B>,
): Promise<Choice<A, B>> {
  for (;;) {
    const ctx = await conversation.wait();
    const data = ctx.callbackQuery?.data;
    const choice = choices.unpack(data);
    const action = choice ? undefined : actions.unpack(data);
    if (ctx.callbackQuery) await ctx.answerCallbackQuery(choice || action ? {} : { text: t("errors.button_expired") });
    if (choice) return { choice, ctx };
    if (action) return { action, ctx };
    if (!ctx.callbackQuery) await ctx.reply(t("onboarding.use_buttons"));
  }
}
