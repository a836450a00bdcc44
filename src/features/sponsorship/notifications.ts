import type { Api } from "grammy";
import type { BotDeps } from "../../bot/context.js";
import { notifyPeople } from "../../bot/notify.js";
import type { Translate } from "../../i18n.js";
import type { Recipient } from "../../people/recipient.js";
import { labels } from "./labels.js";
import { matchData, offerKeyboard, showSuggestionsKeyboard } from "./keyboards.js";
import type { BackInQueue, Introduction, RequestView, SponsorInput } from "./service.js";

/** Managers hear about a new volunteer, with buttons to approve or decline. */
export async function notifyNewVolunteer(
  api: Api,
  deps: BotDeps,
  managers: readonly Recipient[],
  profileId: number,
  input: SponsorInput,
): Promise<void> {
  await notifyPeople(api, deps.logger, managers, (t) => ({
    text: t("sponsorship.new_volunteer", {
      languages: labels(t, "language", input.languages),
      areas: labels(t, "area", input.areas),
      districts: labels(t, "district", input.districts),
    }),
    reply_markup: {
      inline_keyboard: [
        [{ text: t("sponsorship.pending_button"), callback_data: matchData.pack("pending", profileId) }],
      ],
    },
  }));
}

/** Managers hear about a new request, with a button to its suggestions. */
export async function notifyNewRequest(
  api: Api,
  deps: BotDeps,
  managers: readonly Recipient[],
  requestId: number,
): Promise<void> {
  await notifyPeople(api, deps.logger, managers, (t) => ({
    text: t("sponsorship.new_request", { request: requestId }),
    reply_markup: showSuggestionsKeyboard(t, requestId),
  }));
}

/**
 * The offer to a sponsor: only what is needed to decide (areas, district, languages), never the
 * family's name, contact, size, ages or note.
 */
export async function sendOffer(
  api: Api,
  deps: BotDeps,
  sponsor: Recipient,
  sponsorshipId: number,
  offer: RequestView,
): Promise<number> {
  return notifyPeople(api, deps.logger, [sponsor], (t) => ({
    text: t("sponsorship.offer", {
      areas: labels(t, "area", offer.areas),
      district: offer.request.district ? t(`sponsorship.district.${offer.request.district}`) : "–",
      languages: labels(t, "language", offer.languages),
    }),
    reply_markup: offerKeyboard(t, sponsorshipId),
  }));
}

/** After acceptance each side gets the other's first name and how to reach them, in their own language. */
export async function sendIntroductions(
  api: Api,
  deps: BotDeps,
  toSponsor: Introduction,
  toFamily: Introduction,
  request: RequestView,
): Promise<void> {
  await notifyPeople(api, deps.logger, [toFamily.recipient], (t) => ({
    text: t("sponsorship.intro_family", { name: toFamily.otherName, contact: contactOf(t, toFamily) }),
  }));
  await notifyPeople(api, deps.logger, [toSponsor.recipient], (t) => ({
    text: [
      t("sponsorship.intro_sponsor", { name: toSponsor.otherName, contact: contactOf(t, toSponsor) }),
      request.request.familySize === null
        ? undefined
        : t("sponsorship.summary_family_size", { count: request.request.familySize }),
      request.request.childrenAges === null
        ? undefined
        : t("sponsorship.summary_children", { ages: request.request.childrenAges }),
      request.contactTimes.length === 0
        ? undefined
        : t("sponsorship.summary_times", { list: labels(t, "time", request.contactTimes) }),
      request.request.note === null ? undefined : t("sponsorship.summary_about", { text: request.request.note }),
    ]
      .filter((line) => line !== undefined)
      .join("\n"),
  }));
}

function contactOf(t: Translate, introduction: Introduction): string {
  const ways = [
    introduction.otherUsername
      ? t("sponsorship.contact_username", { username: introduction.otherUsername })
      : undefined,
    introduction.otherPhone ? t("sponsorship.contact_phone", { phone: introduction.otherPhone }) : undefined,
  ].filter((way) => way !== undefined);
  return ways.length > 0 ? ways.join("\n") : t("sponsorship.contact_office");
}

/** The other side of an ended sponsorship is told neutrally, without the reason. */
export async function notifyEnded(
  api: Api,
  deps: Pick<BotDeps, "logger">,
  recipients: readonly Recipient[],
): Promise<void> {
  await notifyPeople(api, deps.logger, recipients, (t) => ({ text: t("sponsorship.ended_notice") }));
}

/** Managers hear at once, in their language, that a family's request waits again because the sponsor's side left. */
export async function notifyBackInQueue(
  api: Api,
  deps: Pick<BotDeps, "logger">,
  { requestIds, managers }: BackInQueue,
): Promise<void> {
  for (const requestId of requestIds) {
    await notifyPeople(api, deps.logger, managers, (t) => ({
      text: t("sponsorship.back_in_queue", { request: requestId }),
      reply_markup: showSuggestionsKeyboard(t, requestId),
    }));
  }
}
