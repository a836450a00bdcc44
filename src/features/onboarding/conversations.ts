import { createConversation } from "@grammyjs/conversations";
import type { BotContext, BotDeps, ConversationContext } from "../../bot/context.js";
import { waitForButton, type BotConversation } from "../../bot/conversation-helpers.js";
import { translator, type Language } from "../../i18n.js";
import { consentData, consentKeyboard, mainMenuKeyboard, welcomeData, welcomeKeyboard } from "./keyboards.js";
import { getLanguage, recordConsent, setLanguage } from "./service.js";
import { startHandlerFor, type StartPayloadHandler } from "../../bot/start-payload.js";

export const ONBOARDING = "onboarding";

/**
 * /start for someone who has not consented yet: welcome with a language switch, then the privacy
 * text and the consent question; a deep link the person came with is completed after the consent.
 * Every database call runs through `conversation.external`, so a replay after a restart does not
 * repeat it.
 */
export function onboardingConversation(deps: BotDeps, startHandlers: readonly StartPayloadHandler[]) {
  async function onboarding(
    conversation: BotConversation,
    ctx: ConversationContext,
    personId: number,
    payload?: string,
  ): Promise<void> {
    let language: Language = await conversation.external(() => getLanguage(deps.db, personId));
    let t = translator(language);
    const welcome = await ctx.reply(t("onboarding.welcome"), { reply_markup: welcomeKeyboard(t) });

    for (;;) {
      const {
        ctx: press,
        values: [choice],
      } = await waitForButton(conversation, welcomeData, t);
      if (choice === "continue") break;
      if (choice === language) continue;
      language = choice;
      await conversation.external(() => setLanguage(deps.db, personId, choice));
      t = translator(language);
      await press.api.editMessageText(welcome.chat.id, welcome.message_id, t("onboarding.welcome"), {
        reply_markup: welcomeKeyboard(t),
      });
    }

    await ctx.api.editMessageReplyMarkup(welcome.chat.id, welcome.message_id);
    await ctx.reply(t("onboarding.privacy"), { reply_markup: consentKeyboard(t) });
    const {
      ctx: answer,
      values: [decision],
    } = await waitForButton(conversation, consentData, t);
    await answer.editMessageReplyMarkup();
    if (decision !== "agree") {
      await answer.reply(t("onboarding.declined"));
      return;
    }
    const from = answer.from;
    const name = await conversation.external(async () => {
      const names = { firstName: from?.first_name ?? "", lastName: from?.last_name, username: from?.username };
      await recordConsent(deps.db, personId, names, deps.clock());
      return names.firstName;
    });
    await answer.reply(t("onboarding.consented", { name }));
    // A deep link that brought the person here (e.g. a check-in code) is completed now.
    const link = startHandlerFor(startHandlers, payload);
    if (link) {
      const reply = await conversation.external(() => link.handler.handle(personId, language, link.argument));
      await answer.reply(t(reply.key, reply.values));
    }
    await answer.reply(t("menu.title"), { reply_markup: mainMenuKeyboard(t) });
  }
  return createConversation<BotContext, ConversationContext>(onboarding, ONBOARDING);
}
