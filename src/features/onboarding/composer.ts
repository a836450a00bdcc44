import { Composer, InputFile } from "grammy";
import type { BotContext, BotDeps } from "../../bot/context.js";
import { translator } from "../../i18n.js";
import { backToMenuKeyboard, menuData } from "../../bot/main-menu.js";
import {
  eraseConfirmKeyboard,
  languageData,
  languageKeyboard,
  mainMenuKeyboard,
  noticeData,
  privacyData,
  privacyKeyboard,
  retentionData,
} from "./keyboards.js";
import { ONBOARDING, onboardingConversation } from "./conversations.js";
import { notifyBackInQueue, notifyEnded } from "../sponsorship/notifications.js";
import { erasePersonData } from "../../people/erasure.js";
import { exportPersonData, hasConsented, setLanguage } from "./service.js";
import { startHandlerFor, type StartPayloadHandler } from "../../bot/start-payload.js";
import { DEFAULT_PRIVACY_CONTACTS, DEFAULT_RETENTION_MONTHS, privacyNotice } from "./privacy.js";
import { recordActivity } from "./retention.js";

/**
 * Start (with deep links such as check-in codes), language, help and privacy. `interrupts` holds
 * what must work even in the middle of another conversation (/start begins anew; the privacy
 * notice and "keep my data" leave a running conversation where it was); it is mounted before the
 * conversations.
 */
export function onboardingFeature(deps: BotDeps, startHandlers: readonly StartPayloadHandler[] = []) {
  const retentionMonths = deps.retentionMonths ?? DEFAULT_RETENTION_MONTHS;
  const showPrivacyNotice = (ctx: BotContext) =>
    ctx.reply(privacyNotice(ctx.t, deps.privacy ?? DEFAULT_PRIVACY_CONTACTS, retentionMonths));

  const interrupts = new Composer<BotContext>();
  // Also before consent: people read the notice before they agree.
  interrupts.command("privacy", showPrivacyNotice);
  interrupts.callbackQuery(noticeData.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showPrivacyNotice(ctx);
  });
  interrupts.callbackQuery(retentionData.filter, async (ctx) => {
    if (!retentionData.unpack(ctx.callbackQuery.data))
      return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    // After the erasure the same account is a new person without consent: nothing is left to keep.
    if (!hasConsented(ctx.person)) return ctx.answerCallbackQuery({ text: ctx.t("retention.gone"), show_alert: true });
    await recordActivity(deps.db, ctx.person.id, deps.clock());
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("retention.kept", { months: retentionMonths }));
  });
  // Conversations must be registered before they can be entered, so /start only ends what runs
  // here and the command itself is handled behind the conversations.
  interrupts.command("start", async (ctx, next) => {
    await ctx.conversation.exitAll();
    await next();
  });

  const composer = new Composer<BotContext>();
  composer.command("start", async (ctx) => {
    const payload = typeof ctx.match === "string" && ctx.match !== "" ? ctx.match : undefined;
    if (!hasConsented(ctx.person)) return ctx.conversation.enter(ONBOARDING, ctx.person.id, payload);
    const link = startHandlerFor(startHandlers, payload);
    if (link) {
      const reply = await link.handler.handle(ctx.person.id, ctx.language, link.argument);
      return void (await ctx.reply(ctx.t(reply.key, reply.values)));
    }
    await ctx.reply(ctx.t("onboarding.welcome_back", { name: ctx.person.firstName ?? "" }));
    await showMenu(ctx);
  });
  composer.command("help", (ctx) => ctx.reply(ctx.t("help.text"), { reply_markup: backToMenuKeyboard(ctx.t) }));
  composer.command("language", (ctx) => ctx.reply(ctx.t("language.prompt"), { reply_markup: languageKeyboard() }));
  composer.command("mydata", sendPersonData);
  composer.command("deleteme", askToErase);

  composer.callbackQuery(menuData.filter, async (ctx) => {
    const [item] = menuData.unpack(ctx.callbackQuery.data) ?? [];
    if (!item) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    switch (item) {
      case "home":
        return showMenu(ctx);
      case "help":
        return ctx.reply(ctx.t("help.text"), { reply_markup: backToMenuKeyboard(ctx.t) });
      case "language":
        return ctx.reply(ctx.t("language.prompt"), { reply_markup: languageKeyboard() });
      case "my_data":
        return ctx.reply(ctx.t("privacy.title"), { reply_markup: privacyKeyboard(ctx.t) });
    }
  });

  composer.callbackQuery(languageData.filter, async (ctx) => {
    const [language] = languageData.unpack(ctx.callbackQuery.data) ?? [];
    if (!language) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await setLanguage(deps.db, ctx.person.id, language);
    const t = translator(language);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(t("language.changed"));
    if (hasConsented(ctx.person)) await ctx.reply(t("menu.title"), { reply_markup: mainMenuKeyboard(t) });
  });

  composer.callbackQuery(privacyData.filter, async (ctx) => {
    const [action] = privacyData.unpack(ctx.callbackQuery.data) ?? [];
    if (!action) return ctx.answerCallbackQuery({ text: ctx.t("errors.button_expired") });
    await ctx.answerCallbackQuery();
    switch (action) {
      case "export":
        return sendPersonData(ctx);
      case "erase":
        return askToErase(ctx);
      case "erase_no":
        return ctx.editMessageText(ctx.t("privacy.kept"));
      case "erase_yes": {
        const erased = await erasePersonData(deps.db, ctx.person.id, deps.clock());
        await ctx.editMessageText(ctx.t("privacy.erased"));
        await notifyEnded(ctx.api, deps, erased.otherSide);
        await notifyBackInQueue(ctx.api, deps, erased);
        return;
      }
    }
  });

  async function sendPersonData(ctx: BotContext): Promise<void> {
    const data = await exportPersonData(deps.db, ctx.person.id);
    const file = new InputFile(Buffer.from(JSON.stringify(data, null, 2), "utf8"), "belm-my-data.json");
    await ctx.replyWithDocument(file, { caption: ctx.t("privacy.export_caption") });
  }

  return { interrupts, conversations: [onboardingConversation(deps, startHandlers)], composer };
}

async function showMenu(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t("menu.title"), { reply_markup: mainMenuKeyboard(ctx.t) });
}

async function askToErase(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t("privacy.erase_confirm"), { reply_markup: eraseConfirmKeyboard(ctx.t) });
}
