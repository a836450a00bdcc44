import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import { LANGUAGES, type Translate } from "../../i18n.js";
import { AUDIENCE_KINDS, COURSE_AUDIENCE_STATUSES } from "./service.js";

const id = z.coerce.number().int().positive();
const index = z.coerce.number().int().min(0).max(100);

/** The one-tap switch under every broadcast message, and the offer to switch back on. */
export const announcementsData = defineCallbackData("bc_stop", z.tuple([z.enum(["off", "on"])]));
/** Manager actions on a broadcast after composing: cancel a scheduled one, retry the failed ones. */
export const broadcastData = defineCallbackData("bc_mng", z.tuple([z.enum(["cancel", "retry"]), id]));

// Steps of the composing conversation.
export const audienceKindData = defineCallbackData("bc_aud", z.tuple([z.enum(AUDIENCE_KINDS)]));
export const languagePickData = defineCallbackData("bc_lang", z.tuple([z.enum(LANGUAGES)]));
export const coursePickData = defineCallbackData("bc_crs", z.tuple([id, z.enum(COURSE_AUDIENCE_STATUSES)]));
export const eventPickData = defineCallbackData("bc_evt", z.tuple([id]));
export const districtPickData = defineCallbackData("bc_dist", z.tuple([index]));
export const SCHEDULE_CHOICES = ["now", "today_18", "tomorrow_09", "other"] as const;
export const composeData = defineCallbackData(
  "bc_step",
  z.tuple([z.enum(["cancel", "same_text", "no_attachment", "send", ...SCHEDULE_CHOICES])]),
);

export function stopAnnouncementsKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("broadcasts.stop_button"), announcementsData.pack("off"));
}

export function resumeAnnouncementsKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("broadcasts.resume_button"), announcementsData.pack("on"));
}

export function cancelStepKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("broadcasts.cancel_button"), composeData.pack("cancel"));
}

export function audienceKindKeyboard(t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const kind of AUDIENCE_KINDS) keyboard.text(t(`broadcasts.audience.${kind}`), audienceKindData.pack(kind)).row();
  return keyboard.text(t("broadcasts.cancel_button"), composeData.pack("cancel"));
}

/** Buttons built from a list (courses, events, districts), then the cancel button. */
export function pickerKeyboard(t: Translate, buttons: readonly { label: string; data: string }[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const button of buttons) keyboard.text(button.label, button.data).row();
  return keyboard.text(t("broadcasts.cancel_button"), composeData.pack("cancel"));
}

/** A text step after the first: "same text as above" keeps the first text for this language. */
export function sameTextKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("broadcasts.same_text"), composeData.pack("same_text"))
    .row()
    .text(t("broadcasts.cancel_button"), composeData.pack("cancel"));
}

export function attachmentKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("broadcasts.no_attachment"), composeData.pack("no_attachment"))
    .row()
    .text(t("broadcasts.cancel_button"), composeData.pack("cancel"));
}

export function whenKeyboard(t: Translate, choices: readonly (typeof SCHEDULE_CHOICES)[number][]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const choice of choices) keyboard.text(t(`broadcasts.when.${choice}`), composeData.pack(choice)).row();
  return keyboard.text(t("broadcasts.cancel_button"), composeData.pack("cancel"));
}

export function scheduledKeyboard(t: Translate, broadcastId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("broadcasts.cancel_scheduled_button"), broadcastData.pack("cancel", broadcastId));
}

export function retryKeyboard(t: Translate, broadcastId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("broadcasts.retry_button"), broadcastData.pack("retry", broadcastId));
}
