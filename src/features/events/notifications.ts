import type { Api } from "grammy";
import type { BotDeps } from "../../bot/context.js";
import { notifyPeople } from "../../bot/notify.js";
import type { Event } from "../../generated/prisma/client.js";
import { formatDateTime, localized } from "../../i18n.js";
import type { Recipient } from "../../people/recipient.js";
import type { Promotion } from "../appointments/waiting-list.js";

/** Tells people who moved up from the waiting list, at once and in their language. */
export async function announceEventPromotions(
  api: Api,
  deps: BotDeps,
  promotions: readonly Promotion[],
  event: Event,
): Promise<void> {
  await notifyPeople(
    api,
    deps.logger,
    promotions.map((promotion) => promotion.recipient),
    (t, language) => ({
      text: t("events.promoted", {
        title: localized(event, "title", language),
        when: formatDateTime(event.startsAt, language, deps.timeZone),
      }),
    }),
  );
}

/** Tells everyone who was signed up or waiting that the event does not take place. */
export async function announceCancellation(
  api: Api,
  deps: BotDeps,
  recipients: readonly Recipient[],
  event: Event,
): Promise<void> {
  await notifyPeople(api, deps.logger, recipients, (t, language) => ({
    text: t("events.cancelled_notice", {
      title: localized(event, "title", language),
      when: formatDateTime(event.startsAt, language, deps.timeZone),
    }),
  }));
}
