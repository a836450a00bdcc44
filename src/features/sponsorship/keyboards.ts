import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import { menuData } from "../../bot/main-menu.js";
import type { Translate } from "../../i18n.js";
import {
  CHECKIN_ANSWERS,
  DISTRICTS,
  MAX_FAMILIES,
  type SponsorView,
  type RequestView,
  type QueuedRequest,
  type Suggestion,
} from "./service.js";

const id = z.coerce.number().int().positive();
const anyId = z.coerce.number().int().min(0);

const OWN_ACTIONS = [
  "home",
  "become",
  "ask",
  "pause",
  "resume",
  "withdraw_sponsor",
  "withdraw_sponsor_yes",
  "withdraw_request",
  "withdraw_request_yes",
] as const;
export const sponsorshipData = defineCallbackData("sp", z.tuple([z.enum(OWN_ACTIONS), anyId]));
const MANAGE_ACTIONS = ["requests", "request", "all", "pending", "approve", "decline", "overview"] as const;
export const matchData = defineCallbackData("spm", z.tuple([z.enum(MANAGE_ACTIONS), anyId]));
/** The manager picks a sponsor (profile id) for a request. */
export const pickData = defineCallbackData("spm_pick", z.tuple([id, id]));
export const offerData = defineCallbackData("sp_offer", z.tuple([z.enum(["accept", "decline"]), id]));
export const checkinData = defineCallbackData("sp_chk", z.tuple([z.enum(CHECKIN_ANSWERS), id]));

/** Steps of the two sign-up conversations. */
export const stepData = defineCallbackData(
  "sp_step",
  z.tuple([z.enum(["skip", "confirm", "cancel", "share_phone", "no_phone"])]),
);
export const districtData = defineCallbackData("sp_dist", z.tuple([z.enum(DISTRICTS)]));
export const maxFamiliesData = defineCallbackData(
  "sp_max",
  z.tuple([z.coerce.number().int().min(1).max(MAX_FAMILIES)]),
);

/** The sponsorship hub: what the person can do now, as sponsor, as family, and as manager. */
export function hubKeyboard(
  t: Translate,
  sponsor: SponsorView | undefined,
  request: RequestView | undefined,
  isManager: boolean,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const status = sponsor?.profile.status;
  if (!sponsor || status === "declined" || status === "withdrawn")
    keyboard.text(t("sponsorship.become_button"), sponsorshipData.pack("become", 0)).row();
  if (status === "active") keyboard.text(t("sponsorship.pause_button"), sponsorshipData.pack("pause", 0)).row();
  if (status === "paused") keyboard.text(t("sponsorship.resume_button"), sponsorshipData.pack("resume", 0)).row();
  if (status === "active" || status === "paused")
    keyboard.text(t("sponsorship.edit_button"), sponsorshipData.pack("become", 0)).row();
  if (status === "pending" || status === "active" || status === "paused")
    keyboard.text(t("sponsorship.withdraw_sponsor_button"), sponsorshipData.pack("withdraw_sponsor", 0)).row();
  if (request)
    keyboard
      .text(t("sponsorship.withdraw_request_button"), sponsorshipData.pack("withdraw_request", request.request.id))
      .row();
  else keyboard.text(t("sponsorship.ask_button"), sponsorshipData.pack("ask", 0)).row();
  if (isManager)
    keyboard
      .text(t("sponsorship.manage_requests_button"), matchData.pack("requests", 0))
      .text(t("sponsorship.overview_button"), matchData.pack("overview", 0))
      .row();
  return keyboard.text(t("menu.back"), menuData.pack("home"));
}

export function confirmKeyboard(t: Translate, yes: string, no: string): InlineKeyboard {
  return new InlineKeyboard().text(t("manage.confirm_yes"), yes).row().text(t("manage.confirm_no"), no);
}

export function requestsKeyboard(t: Translate, requests: readonly QueuedRequest[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const queued of requests) {
    keyboard
      .text(
        t("sponsorship.request_button", { request: queued.request.id, count: queued.waitingDays }),
        matchData.pack("request", queued.request.id),
      )
      .row();
  }
  return keyboard
    .text(t("sponsorship.pending_button"), matchData.pack("pending", 0))
    .text(t("sponsorship.overview_button"), matchData.pack("overview", 0));
}

export function suggestionsKeyboard(
  t: Translate,
  requestId: number,
  suggestions: readonly Suggestion[],
  anyLanguage: boolean,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const suggestion of suggestions) {
    keyboard
      .text(
        t("sponsorship.suggestion_button", {
          name: suggestion.name,
          count: suggestion.score,
          families: suggestion.currentFamilies,
          max: suggestion.maxFamilies,
        }),
        pickData.pack(requestId, suggestion.profileId),
      )
      .row();
  }
  if (!anyLanguage) keyboard.text(t("sponsorship.all_sponsors_button"), matchData.pack("all", requestId)).row();
  return keyboard.text(t("sponsorship.back_to_requests"), matchData.pack("requests", 0));
}

export function pendingKeyboard(
  t: Translate,
  pending: readonly { profile: { id: number }; name: string }[],
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const volunteer of pending) {
    keyboard
      .text(t("sponsorship.approve_button", { name: volunteer.name }), matchData.pack("approve", volunteer.profile.id))
      .text(t("sponsorship.decline_button"), matchData.pack("decline", volunteer.profile.id))
      .row();
  }
  return keyboard.text(t("sponsorship.back_to_requests"), matchData.pack("requests", 0));
}

/** For the managers: the way from a notice about a request to its suggested sponsors. */
export function showSuggestionsKeyboard(t: Translate, requestId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("sponsorship.show_suggestions"), matchData.pack("request", requestId));
}

export function offerKeyboard(t: Translate, sponsorshipId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("sponsorship.offer_accept"), offerData.pack("accept", sponsorshipId))
    .row()
    .text(t("sponsorship.offer_decline"), offerData.pack("decline", sponsorshipId));
}

export function checkinKeyboard(t: Translate, sponsorshipId: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const answer of CHECKIN_ANSWERS)
    keyboard.text(t(`sponsorship.checkin.${answer}`), checkinData.pack(answer, sponsorshipId)).row();
  return keyboard;
}

export function skipKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("sponsorship.skip"), stepData.pack("skip"))
    .row()
    .text(t("courses.cancel_button"), stepData.pack("cancel"));
}

/** The districts, one per row; with `skipKey` also a button to answer none of them. */
export function districtKeyboard(t: Translate, options: { skipKey?: string } = {}): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const district of DISTRICTS)
    keyboard.text(t(`sponsorship.district.${district}`), districtData.pack(district)).row();
  if (options.skipKey) keyboard.text(t(options.skipKey), stepData.pack("skip")).row();
  return keyboard.text(t("courses.cancel_button"), stepData.pack("cancel"));
}

export function maxFamiliesKeyboard(t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (let count = 1; count <= MAX_FAMILIES; count++) keyboard.text(String(count), maxFamiliesData.pack(count));
  return keyboard.row().text(t("courses.cancel_button"), stepData.pack("cancel"));
}

export function phoneChoiceKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("sponsorship.share_phone"), stepData.pack("share_phone"))
    .row()
    .text(t("sponsorship.no_phone"), stepData.pack("no_phone"))
    .row()
    .text(t("courses.cancel_button"), stepData.pack("cancel"));
}

export function cancelKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("courses.cancel_button"), stepData.pack("cancel"));
}

export function submitKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("sponsorship.submit"), stepData.pack("confirm"))
    .row()
    .text(t("courses.cancel_button"), stepData.pack("cancel"));
}

/** The district names, for other features' screens (broadcast audiences). */
export { districtLabel } from "./labels.js";
