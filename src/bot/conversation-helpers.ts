import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard } from "grammy";
import { z } from "zod";
import type { Translate } from "../i18n.js";
import { defineCallbackData, type CallbackData } from "./callback-data.js";
import type { BotContext, ConversationContext } from "./context.js";

export type BotConversation = Conversation<BotContext, ConversationContext>;

/**
 * Waits until the person presses one of the buttons described by `data` (and, where given, one
 * that `accept` takes, e.g. of the same list). Anything else (text, stickers, buttons of old
 * messages) gets a short hint in the person's language and changes nothing; /cancel is handled
 * outside the conversation and ends it.
 */
export async function waitForButton<Values extends readonly unknown[]>(
  conversation: BotConversation,
  data: CallbackData<Values>,
  t: Translate,
  accept: (values: Values) => boolean = () => true,
): Promise<{ ctx: ConversationContext; values: Values }> {
  for (;;) {
    const ctx = await conversation.wait();
    const values = data.unpack(ctx.callbackQuery?.data);
    if (values && accept(values)) {
      await ctx.answerCallbackQuery();
      return { ctx, values };
    }
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t("errors.button_expired") });
    else await ctx.reply(t("onboarding.use_buttons"));
  }
}

export type TextOrButton<T, Values> =
  { kind: "text"; value: T; ctx: ConversationContext } | { kind: "button"; values: Values; ctx: ConversationContext };

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
    // A sticker, photo or voice message is not a wrong answer but no answer: ask for text.
    if (text === undefined) {
      await ctx.reply(t("errors.type_text"));
      continue;
    }
    const parsed = text.startsWith("/") ? undefined : options.schema.safeParse(text);
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

const toggleData = defineCallbackData("pick", z.tuple([z.string().regex(/^[a-z0-9_]{1,30}$/)]));
const pickEndData = defineCallbackData("pick_end", z.tuple([z.enum(["done", "cancel"])]));

export interface MultiSelect<Code extends string> {
  codes: readonly Code[];
  label: (code: Code) => string;
  initial?: readonly Code[];
  doneLabel: string;
  cancelLabel: string;
  /** Said when "done" is pressed with nothing chosen; the question stays open. */
  emptyHint: string;
}

function multiSelectKeyboard<Code extends string>(options: MultiSelect<Code>, chosen: readonly Code[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const code of options.codes)
    keyboard.text(`${chosen.includes(code) ? "✅ " : ""}${options.label(code)}`, toggleData.pack(code)).row();
  return keyboard
    .text(options.doneLabel, pickEndData.pack("done"))
    .text(options.cancelLabel, pickEndData.pack("cancel"));
}

/**
 * Asks a question with one button per code: a press toggles its ✅ mark, "done" finishes (at
 * least one must be chosen), "cancel" gives up. Returns the chosen codes in the order of
 * `codes`, or undefined when the person cancelled.
 */
export async function askMultiSelect<Code extends string>(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  text: string,
  options: MultiSelect<Code>,
): Promise<Code[] | undefined> {
  let chosen = options.codes.filter((code) => options.initial?.includes(code));
  await ctx.reply(text, { reply_markup: multiSelectKeyboard(options, chosen) });
  for (;;) {
    const answer = await waitForChoice(conversation, t, toggleData, pickEndData);
    if ("choice" in answer) {
      const code = options.codes.find((candidate) => candidate === answer.choice[0]);
      if (code === undefined) continue;
      chosen = options.codes.filter((candidate) => (candidate === code) !== chosen.includes(candidate));
      await answer.ctx.editMessageReplyMarkup({ reply_markup: multiSelectKeyboard(options, chosen) });
    } else if (answer.action[0] === "cancel") {
      await answer.ctx.editMessageReplyMarkup();
      return undefined;
    } else if (chosen.length === 0) {
      await answer.ctx.reply(options.emptyHint);
    } else {
      await answer.ctx.editMessageText(`${text}\n\n${chosen.map((code) => `✅ ${options.label(code)}`).join("\n")}`);
      return chosen;
    }
  }
}
