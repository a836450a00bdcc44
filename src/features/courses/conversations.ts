import { createConversation } from "@grammyjs/conversations";
import { z } from "zod";
import { inArrivalOrder } from "../../bot/arrival-order.js";
import type { BotContext, BotDeps, ConversationContext } from "../../bot/context.js";
import {
  waitForButton,
  waitForChoice,
  waitForTextOrButton,
  type BotConversation,
} from "../../bot/conversation-helpers.js";
import type { GermanLevel } from "../../generated/prisma/client.js";
import { localized, translator, type Translate } from "../../i18n.js";
import {
  afterRegistrationKeyboard,
  confirmRegistrationKeyboard,
  levelData,
  levelKeyboard,
  nameKeyboard,
  phoneKeyboard,
  registrationData,
} from "./keyboards.js";
import { phoneSchema } from "../../people/phone.js";
import { register, registrationStart } from "./service.js";

export const COURSE_REGISTRATION = "course-registration";

export const fullNameSchema = z
  .string()
  .trim()
  .min(3)
  .max(100)
  .regex(/^[\p{L}][\p{L}\p{M} .'’-]*$/u)
  .refine((name) => name.includes(" "), "first and last name");

interface Answers {
  fullName: string;
  phone: string | undefined;
  germanLevel: GermanLevel | undefined;
}

/**
 * Registration: name (prefilled from Telegram), optional phone, for German courses the
 * self-assessed level, then a summary to confirm. Seats are decided only at the confirmation, in
 * the service's transaction; every database call goes through `conversation.external`.
 */
export function courseRegistrationConversation(deps: BotDeps) {
  async function courseRegistration(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
    courseId: number,
  ): Promise<void> {
    const loaded = await conversation.external(() => registrationStart(deps.db, personId, courseId, deps.clock()));
    const t = translator(loaded.language);
    if (!loaded.course) {
      await ctx.reply(t("courses.unavailable"));
      return;
    }
    const title = localized(loaded.course, "title", loaded.language);

    const fullName = await askName(conversation, ctx, t, loaded.telegramName);
    if (fullName === undefined) return;
    const phone = await askPhone(conversation, ctx, t);
    if (phone === null) return;
    const germanLevel = loaded.course.category === "language" ? await askLevel(conversation, ctx, t) : undefined;
    if (germanLevel === null) return;

    const answers: Answers = { fullName, phone, germanLevel };
    const asksLevel = loaded.course.category === "language";
    let press: ConversationContext;
    // The summary comes back after each correction until the person confirms or cancels.
    for (;;) {
      await ctx.reply(summaryText(t, title, answers), { reply_markup: confirmRegistrationKeyboard(t, asksLevel) });
      const answer = await waitForButton(
        conversation,
        registrationData,
        t,
        ([action]) => action === "confirm" || action === "cancel" || action.startsWith("edit_"),
      );
      press = answer.ctx;
      const [decision] = answer.values;
      await press.editMessageReplyMarkup();
      if (decision === "confirm") break;
      const corrected = await correct(conversation, press, t, decision, loaded.telegramName);
      if (corrected === null) return;
      Object.assign(answers, corrected);
    }
    const result = await conversation.external(() =>
      inArrivalOrder(deps.arrivalOrder, press.update.update_id, () =>
        register(deps.db, { courseId, personId, ...answers }, deps.clock()),
      ),
    );
    switch (result.outcome) {
      case "enrolled":
        await press.reply(t("courses.enrolled", { title }), { reply_markup: afterRegistrationKeyboard(t, courseId) });
        return;
      case "waitlisted":
        await press.reply(t("courses.waitlisted", { title, position: result.position }), {
          reply_markup: afterRegistrationKeyboard(t, courseId),
        });
        return;
      case "already_registered":
        await press.reply(t("courses.already_registered"));
        return;
      case "unavailable":
        await press.reply(t("courses.unavailable"));
        return;
    }
  }
  return createConversation<BotContext, ConversationContext>(courseRegistration, COURSE_REGISTRATION);
}

/** One answer asked again from the summary; null when the person cancelled. */
async function correct(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  decision: string,
  telegramName: string,
): Promise<Partial<Answers> | null> {
  switch (decision) {
    case "edit_name": {
      const fullName = await askName(conversation, ctx, t, telegramName);
      return fullName === undefined ? null : { fullName };
    }
    case "edit_phone": {
      const phone = await askPhone(conversation, ctx, t);
      return phone === null ? null : { phone };
    }
    case "edit_level": {
      const germanLevel = await askLevel(conversation, ctx, t);
      return germanLevel === null ? null : { germanLevel };
    }
    default:
      await ctx.reply(t("cancel.done"));
      return null;
  }
}

/** undefined when the person cancelled. */
async function askName(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
  telegramName: string,
): Promise<string | undefined> {
  const offered = telegramName.trim() || undefined;
  await ctx.reply(t("courses.ask_name"), { reply_markup: nameKeyboard(t, offered) });
  for (;;) {
    const answer = await waitForTextOrButton(conversation, t, {
      schema: fullNameSchema,
      invalidKey: "courses.name_invalid",
      buttons: registrationData,
    });
    if (answer.kind === "text") return answer.value;
    if (answer.values[0] !== "use_name") {
      await answer.ctx.reply(t("cancel.done"));
      return undefined;
    }
    // A Telegram name without a last name (or with emoji) cannot stand on the list as it is.
    if (offered && fullNameSchema.safeParse(offered).success) return offered;
    await answer.ctx.reply(t("courses.telegram_name_incomplete", { name: offered ?? "" }));
  }
}

/** null when the person cancelled, undefined when they skipped. */
async function askPhone(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
): Promise<string | undefined | null> {
  await ctx.reply(t("courses.ask_phone"), { reply_markup: phoneKeyboard(t) });
  const answer = await waitForTextOrButton(conversation, t, {
    schema: phoneSchema,
    invalidKey: "courses.phone_invalid",
    buttons: registrationData,
  });
  if (answer.kind === "text") return answer.value;
  if (answer.values[0] === "skip_phone") return undefined;
  await answer.ctx.reply(t("cancel.done"));
  return null;
}

/** null when the person cancelled. */
async function askLevel(
  conversation: BotConversation,
  ctx: ConversationContext,
  t: Translate,
): Promise<GermanLevel | null> {
  await ctx.reply(t("courses.ask_level"), { reply_markup: levelKeyboard(t) });
  for (;;) {
    const answer = await waitForChoice(conversation, t, levelData, registrationData);
    if ("choice" in answer) return answer.choice[0];
    if (answer.action[0] === "cancel") {
      await answer.ctx.reply(t("cancel.done"));
      return null;
    }
  }
}

function summaryText(t: Translate, title: string, answers: Answers): string {
  return [
    t("courses.summary_title"),
    "",
    t("courses.summary_course", { title }),
    t("courses.summary_name", { name: answers.fullName }),
    answers.phone ? t("courses.summary_phone", { phone: answers.phone }) : undefined,
    answers.germanLevel ? t("courses.summary_level", { level: t(`courses.level.${answers.germanLevel}`) }) : undefined,
  ]
    .filter((line) => line !== undefined)
    .join("\n");
}
