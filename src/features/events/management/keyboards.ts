import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { defineCallbackData } from "../../../bot/callback-data.js";
import type { Event } from "../../../generated/prisma/client.js";
import { formatDateTime, localized, type Language, type Translate } from "../../../i18n.js";
import { EDITABLE_FIELDS } from "../../appointments/fields.js";
import { editFieldsKeyboard, yesNoKeyboard } from "../../appointments/keyboards.js";
import type { Attendee } from "./service.js";

const ORGANISE_ACTIONS = [
  "list",
  "event",
  "people",
  "checkin",
  "walkin",
  "walkin5",
  "walkin_typed",
  "code",
  "cancel",
  "cancel_yes",
  "close",
  "close_yes",
  "reopen",
  "new",
  "edit",
] as const;
export type OrganiseAction = (typeof ORGANISE_ACTIONS)[number];
/** The target is an event id, or for "checkin" a sign-up (rsvp) id. */
export const organiseData = defineCallbackData(
  "evo",
  z.tuple([z.enum(ORGANISE_ACTIONS), z.coerce.number().int().min(0)]),
);
export const eventEditData = defineCallbackData(
  "evo_edit",
  z.tuple([z.enum(EDITABLE_FIELDS), z.coerce.number().int().positive()]),
);

/** The most events or people listed as buttons on one screen. */
const MAX_LISTED = 40;

export function eventListKeyboard(
  t: Translate,
  language: Language,
  events: readonly Event[],
  canCreate: boolean,
  timeZone: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const event of events.slice(0, MAX_LISTED)) {
    const mark = event.cancelledAt ? t("events.cancelled_mark") : "";
    keyboard
      .text(
        `${formatDateTime(event.startsAt, language, timeZone)} · ${localized(event, "title", language)}${mark}`,
        organiseData.pack("event", event.id),
      )
      .row();
  }
  if (canCreate) keyboard.text(t("events.new_button"), organiseData.pack("new", 0));
  return keyboard;
}

/** The actions on one event: recording who came while its attendance is open; managers change, cancel and reopen. */
export function eventKeyboard(t: Translate, event: Event, staff: { manager: boolean; now: Date }): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(t("events.people_button"), organiseData.pack("people", event.id)).row();
  if (!event.cancelledAt && !event.attendanceClosedAt) {
    keyboard.text(t("events.code_button"), organiseData.pack("code", event.id)).row();
    keyboard
      .text(t("events.walk_in_button"), organiseData.pack("walkin", event.id))
      .text(t("events.walk_in_five_button"), organiseData.pack("walkin5", event.id))
      .row();
    keyboard.text(t("events.walk_in_typed_button"), organiseData.pack("walkin_typed", event.id)).row();
    if (event.endsAt <= staff.now) keyboard.text(t("events.close_button"), organiseData.pack("close", event.id)).row();
    if (staff.manager && event.endsAt > staff.now) {
      keyboard.text(t("events.edit_button"), organiseData.pack("edit", event.id)).row();
      keyboard.text(t("events.cancel_button"), organiseData.pack("cancel", event.id)).row();
    }
  }
  if (!event.cancelledAt && event.attendanceClosedAt && staff.manager) {
    keyboard.text(t("events.reopen_button"), organiseData.pack("reopen", event.id)).row();
  }
  return keyboard.text(t("events.back_to_events"), organiseData.pack("list", 0));
}

/** A check-in button for everyone coming who has not been checked in, while the attendance is open. */
export function checkInKeyboard(
  t: Translate,
  event: Event,
  going: readonly Attendee[],
  name: (candidate: string | undefined) => string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (!event.cancelledAt && !event.attendanceClosedAt) {
    for (const { rsvp, name: who } of going.filter(({ rsvp }) => rsvp.checkedInAt === null).slice(0, MAX_LISTED)) {
      keyboard.text(t("events.checkin_button", { name: name(who) }), organiseData.pack("checkin", rsvp.id)).row();
    }
  }
  return keyboard.text(t("events.back_to_event"), organiseData.pack("event", event.id));
}

/** "Yes" does `action` on the event; "no" leads back to it. */
export function confirmKeyboard(t: Translate, action: OrganiseAction, target: number): InlineKeyboard {
  return yesNoKeyboard(
    { yes: t("events.confirm_yes"), no: t("events.confirm_no") },
    organiseData.pack(action, target),
    organiseData.pack("event", target),
  );
}

export function editKeyboard(t: Translate, eventId: number): InlineKeyboard {
  return editFieldsKeyboard(t, (field) => eventEditData.pack(field, eventId), {
    label: t("events.back_to_event"),
    data: organiseData.pack("event", eventId),
  });
}

export function backToEventKeyboard(
  t: Translate,
  eventId: number,
  label: "events.back_to_event" | "events.open_event",
): InlineKeyboard {
  return new InlineKeyboard().text(t(label), organiseData.pack("event", eventId));
}
