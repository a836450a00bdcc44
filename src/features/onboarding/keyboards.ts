import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import { menuData } from "../../bot/main-menu.js";
import { categoriesData } from "../courses/keyboards.js";
import { eventListData } from "../events/keyboards.js";
import { sponsorshipData } from "../sponsorship/keyboards.js";
import { LANGUAGES, translator, type Language, type Translate } from "../../i18n.js";

export const welcomeData = defineCallbackData("welcome", z.tuple([z.enum([...LANGUAGES, "continue"])]));
export const consentData = defineCallbackData("consent", z.tuple([z.enum(["agree", "decline"])]));
export const languageData = defineCallbackData("lang", z.tuple([z.enum(LANGUAGES)]));
export const privacyData = defineCallbackData(
  "privacy",
  z.tuple([z.enum(["export", "erase", "erase_yes", "erase_no"])]),
);
/** Shows the privacy notice; works before consent and in the middle of any conversation. */
export const noticeData = defineCallbackData("privacy_notice", z.tuple([]));
/** "Keep my data" under the notice before the automatic erasure. */
export const retentionData = defineCallbackData("retention", z.tuple([z.literal("keep")]));

const LANGUAGES_PER_ROW = 2;

/** Each language is offered in its own name, so a person who cannot read the others finds theirs. */
function languageRow(keyboard: InlineKeyboard, pack: (language: Language) => string): InlineKeyboard {
  LANGUAGES.forEach((language, index) => {
    keyboard.text(translator(language)("language.name"), pack(language));
    if ((index + 1) % LANGUAGES_PER_ROW === 0) keyboard.row();
  });
  return keyboard.row();
}

export function welcomeKeyboard(t: Translate): InlineKeyboard {
  return languageRow(new InlineKeyboard(), (language) => welcomeData.pack(language)).text(
    t("onboarding.continue"),
    welcomeData.pack("continue"),
  );
}

export function consentKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("onboarding.consent_yes"), consentData.pack("agree"))
    .row()
    .text(t("onboarding.consent_no"), consentData.pack("decline"))
    .row()
    .text(t("privacy.notice_button"), noticeData.pack());
}

export function languageKeyboard(): InlineKeyboard {
  return languageRow(new InlineKeyboard(), (language) => languageData.pack(language));
}

export function mainMenuKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("menu.courses"), categoriesData.pack())
    .text(t("menu.events"), eventListData.pack("all", 0))
    .row()
    .text(t("menu.sponsorship"), sponsorshipData.pack("home", 0))
    .row()
    .text(t("menu.my_data"), menuData.pack("my_data"))
    .text(t("menu.language"), menuData.pack("language"))
    .row()
    .text(t("menu.help"), menuData.pack("help"));
}

export function privacyKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("privacy.export"), privacyData.pack("export"))
    .row()
    .text(t("privacy.erase"), privacyData.pack("erase"))
    .row()
    .text(t("privacy.notice_button"), noticeData.pack())
    .row()
    .text(t("menu.back"), menuData.pack("home"));
}

export function eraseConfirmKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("privacy.erase_yes"), privacyData.pack("erase_yes"))
    .row()
    .text(t("privacy.erase_no"), privacyData.pack("erase_no"));
}

export function retentionKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("retention.keep"), retentionData.pack("keep"));
}
