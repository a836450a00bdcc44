import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../bot/callback-data.js";
import { pagerRow } from "../../bot/pager.js";
import { menuData } from "../../bot/main-menu.js";
import type { Translate } from "../../i18n.js";
import { EVENT_KINDS } from "./service.js";

const id = z.coerce.number().int().positive();
const page = z.coerce.number().int().min(0).max(1000);

/** "all" or one kind of event. */
export const EVENT_FILTERS = ["all", ...EVENT_KINDS] as const;
export type EventFilter = (typeof EVENT_FILTERS)[number];

export const eventListData = defineCallbackData("evt_list", z.tuple([z.enum(EVENT_FILTERS), page]));
/** The last value is the list page to go back to, or for "party" and "party_wait" the number of people coming. */
export const eventData = defineCallbackData(
  "evt",
  z.tuple([
    z.enum(["show", "join", "party", "party_wait", "leave", "leave_yes", "calendar"]),
    id,
    z.enum(EVENT_FILTERS),
    page,
  ]),
);
export const eventRemindersData = defineCallbackData("evt_rem", z.tuple([z.enum(["on", "off"])]));

export const PAGE_SIZE = 5;

export function eventListKeyboard(
  t: Translate,
  filter: EventFilter,
  currentPage: number,
  pages: number,
  events: readonly { id: number; label: string }[],
  remindersOn: boolean,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  EVENT_FILTERS.forEach((candidate, index) => {
    const label = t(`events.filter.${candidate}`);
    keyboard.text(candidate === filter ? `• ${label} •` : label, eventListData.pack(candidate, 0));
    if (index % 3 === 2) keyboard.row();
  });
  for (const event of events) keyboard.text(event.label, eventData.pack("show", event.id, filter, currentPage)).row();
  const labels = { prev: t("events.page_prev"), next: t("events.page_next") };
  pagerRow(keyboard, labels, currentPage, currentPage + 1 < pages, (page) => eventListData.pack(filter, page));
  keyboard.text(
    t(remindersOn ? "events.reminders_on_button" : "events.reminders_off_button"),
    eventRemindersData.pack(remindersOn ? "off" : "on"),
  );
  return keyboard.row().text(t("menu.back"), menuData.pack("home"));
}

export function eventDetailsKeyboard(
  t: Translate,
  eventId: number,
  filter: EventFilter,
  fromPage: number,
  state: { open: boolean; signedUp: boolean; checkedIn?: boolean },
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (state.open && !state.signedUp)
    keyboard.text(t("events.join"), eventData.pack("join", eventId, filter, fromPage)).row();
  // Someone already checked in has come: there is nothing left to cancel.
  if (state.open && state.signedUp && !state.checkedIn)
    keyboard.text(t("events.leave"), eventData.pack("leave", eventId, filter, fromPage)).row();
  keyboard.text(t("events.calendar_button"), eventData.pack("calendar", eventId, filter, fromPage)).row();
  return keyboard.text(t("events.back_to_list"), eventListData.pack(filter, fromPage));
}

/** How many people are coming, children included: never more than `largest` (the event's places). */
export function partySizeKeyboard(
  t: Translate,
  eventId: number,
  filter: EventFilter,
  fromPage: number,
  largest: number,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (let size = 1; size <= largest; size++)
    keyboard.text(String(size), eventData.pack("party", eventId, filter, size));
  return keyboard.row().text(t("events.back_to_event"), eventData.pack("show", eventId, filter, fromPage));
}

/** A party too large for the places left: come with fewer (up to `placesLeft`) or wait with everyone. */
export function partyTooLargeKeyboard(
  t: Translate,
  eventId: number,
  filter: EventFilter,
  placesLeft: number,
  partySize: number,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (let size = 1; size <= placesLeft; size++)
    keyboard.text(String(size), eventData.pack("party", eventId, filter, size));
  return keyboard
    .row()
    .text(
      t("events.party_wait_button", { people: partySize }),
      eventData.pack("party_wait", eventId, filter, partySize),
    )
    .row()
    .text(t("events.back_to_event"), eventData.pack("show", eventId, filter, 0));
}

/** After cancelling a sign-up: onward to the event, the list of events or the menu. */
export function afterLeavingKeyboard(
  t: Translate,
  eventId: number,
  filter: EventFilter,
  fromPage: number,
): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("events.back_to_event"), eventData.pack("show", eventId, filter, fromPage))
    .row()
    .text(t("events.back_to_list"), eventListData.pack(filter, fromPage))
    .row()
    .text(t("menu.back"), menuData.pack("home"));
}

export function leaveConfirmKeyboard(
  t: Translate,
  eventId: number,
  filter: EventFilter,
  fromPage: number,
): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("events.leave_yes"), eventData.pack("leave_yes", eventId, filter, fromPage))
    .row()
    .text(t("events.leave_no"), eventData.pack("show", eventId, filter, fromPage));
}
