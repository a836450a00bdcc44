import { createConversation } from "@grammyjs/conversations";
import { z } from "zod";
import type { BotContext, BotDeps, ConversationContext } from "../../bot/context.js";
import {
  waitForButton,
  waitForChoice,
  waitForTextOrButton,
  type BotConversation,
} from "../../bot/conversation-helpers.js";
import { notifyPeople } from "../../bot/notify.js";
import { loadActor } from "../../bot/wizard.js";
import { translator } from "../../i18n.js";
import { cancelOnlyKeyboard, grantConfirmKeyboard, grantStepData, roleChoiceData, roleKeyboard } from "./keyboards.js";
import { findConsentingPerson, grantRole } from "./service.js";

export const ROLE_GRANT = "role-grant";

/** "@username", "username" or a numeric Telegram id. */
export const handleSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (/^\d{1,16}$/.test(text)) return { telegramId: BigInt(text) };
    const username = /^@?([A-Za-z][A-Za-z0-9_]{3,31})$/.exec(text)?.[1];
    if (username) return { username };
    ctx.addIssue({ code: "custom", message: "neither a username nor a Telegram id" });
    return z.NEVER;
  });

/** A manager gives someone who uses the bot the instructor or manager role. */
export function roleGrantConversation(deps: BotDeps) {
  async function roleGrant(conversation: BotConversation, ctx: ConversationContext, managerId: number): Promise<void> {
    const manager = await conversation.external(() => loadActor(deps.db, managerId));
    const t = translator(manager.language);
    await ctx.reply(t("team.ask_person"), { reply_markup: cancelOnlyKeyboard(t) });

    let person: { id: number; name: string } | undefined;
    while (!person) {
      const answer = await waitForTextOrButton(conversation, t, {
        schema: handleSchema,
        invalidKey: "team.invalid_handle",
        buttons: grantStepData,
      });
      if (answer.kind === "button") return void (await answer.ctx.reply(t("cancel.done")));
      const handle = answer.value;
      person = await conversation.external(() => findConsentingPerson(deps.db, handle));
      if (!person) await answer.ctx.reply(t("team.person_not_found"), { reply_markup: cancelOnlyKeyboard(t) });
    }

    await ctx.reply(t("team.ask_role", { name: person.name }), { reply_markup: roleKeyboard(t) });
    const roleAnswer = await waitForChoice(conversation, t, roleChoiceData, grantStepData);
    if (!("choice" in roleAnswer)) return void (await roleAnswer.ctx.reply(t("cancel.done")));
    const [role] = roleAnswer.choice;

    await ctx.reply(t("team.confirm_text", { name: person.name, role: t(`team.role.${role}`) }), {
      reply_markup: grantConfirmKeyboard(t),
    });
    const {
      ctx: press,
      values: [decision],
    } = await waitForButton(conversation, grantStepData, t);
    await press.editMessageReplyMarkup();
    if (decision !== "confirm") return void (await press.reply(t("cancel.done")));

    const personId = person.id;
    const result = await conversation.external(() => grantRole(deps.db, manager, personId, role));
    if (result.outcome === "not_found") return void (await press.reply(t("team.person_not_found")));
    if (result.outcome === "already") return void (await press.reply(t("team.already", { name: person.name })));
    await press.reply(t("team.granted", { name: person.name, role: t(`team.role.${role}`) }));
    await notifyPeople(press.api, deps.logger, [result.recipient], (theirs) => ({
      text: theirs(`team.granted_notice.${role}`),
    }));
  }
  return createConversation<BotContext, ConversationContext>(roleGrant, ROLE_GRANT);
}
