import type { Event, Rsvp } from "../../generated/prisma/client.js";
import { formatDateTime, languageOf, localized, translator, type Language } from "../../i18n.js";
import type { DueReminder, PlannedReminder, ReminderContext, ReminderSource, Review } from "../../jobs/reminder-source.js";
import { PLANNING_HORIZON_MS, dayHasBegun, eveningBefore, remindablePeople, shortlyBefore, startsEarly } from "../../jobs/reminder-times.js";

/**
 * Reminders of events for people signed up (not those waiting): the evening before at 18:00 and
 * two hours before the start, on the office's clock, with the same rules as course reminders.
 */

const EVENT_REMINDER_KINDS = ["event_evening", "event_soon"] as const;
type EventReminderKind = (typeof EVENT_REMINDER_KINDS)[number];

const dueAtOf: Record<EventReminderKind, (startsAt: Date, timeZone: string) => Date> = {
  event_evening: eveningBefore,
  event_soon: shortlyBefore,
};

const textKeyOf: Record<EventReminderKind, string> = {
  event_evening: "events.reminder_evening",
  event_soon: "events.reminder_soon",
};

const remindable = remindablePeople("eventReminders");

export const eventReminders: ReminderSource = {
  kinds: EVENT_REMINDER_KINDS,
  plan: planEventReminders,
  review: reviewEventReminders,
};

function eventReminderKey(kind: EventReminderKind, eventId: number, personId: number): string {
  return `${kind}:event:${eventId}:person:${personId}`;
}

async function planEventReminders({ db, timeZone }: ReminderContext, now: Date): Promise<PlannedReminder[]> {
  const events = await db.event.findMany({
    where: { cancelledAt: null, startsAt: { gt: now, lte: new Date(now.getTime() + PLANNING_HORIZON_MS) } },
    select: { id: true, startsAt: true, rsvps: { where: { status: "going", person: remindable }, select: { personId: true } } },
  });
  return events.flatMap((event) =>
    event.rsvps.flatMap((rsvp) =>
      EVENT_REMINDER_KINDS.map((kind) => ({
        kind,
        dedupeKey: eventReminderKey(kind, event.id, rsvp.personId),
        personId: rsvp.personId,
        dueAt: dueAtOf[kind](event.startsAt, timeZone),
        eventId: event.id,
      })),
    ),
  );
}

async function reviewEventReminders({ db, timeZone }: ReminderContext, due: readonly DueReminder[], now: Date): Promise<Map<number, Review>> {
  const eventIds = due.map((reminder) => reminder.eventId).filter((id) => id !== null);
  const [events, rsvps] = await Promise.all([
    db.event.findMany({ where: { id: { in: eventIds } } }),
    db.rsvp.findMany({ where: { eventId: { in: eventIds }, personId: { in: due.map((reminder) => reminder.personId) } } }),
  ]);
  const eventById = new Map(events.map((event) => [event.id, event]));
  const rsvpOf = (reminder: DueReminder) => rsvps.find((rsvp) => rsvp.eventId === reminder.eventId && rsvp.personId === reminder.personId);
  return new Map(
    due.map((reminder) => {
      const event = reminder.eventId === null ? undefined : eventById.get(reminder.eventId);
      return [reminder.id, reviewOne(reminder, event, rsvpOf(reminder), now, timeZone)];
    }),
  );
}

function reviewOne(reminder: DueReminder, event: Event | undefined, rsvp: Rsvp | undefined, now: Date, timeZone: string): Review {
  if (!event || event.cancelledAt) return { send: false, reason: "event cancelled" };
  if (event.startsAt <= now) return { send: false, reason: "event started" };
  if (rsvp?.status !== "going") return { send: false, reason: "not signed up" };
  if (rsvp.checkedInAt) return { send: false, reason: "already checked in" };
  if (!reminder.person.eventReminders) return { send: false, reason: "event reminders switched off" };
  const kind = reminder.kind as EventReminderKind;
  if (kind === "event_evening" && dayHasBegun(now, event.startsAt, timeZone)) return { send: false, reason: "the event's day has begun" };
  return {
    send: true,
    text: eventReminderText(kind, event, languageOf(reminder.person.language), timeZone),
    allowedInQuietHours: kind === "event_soon" && startsEarly(event.startsAt, timeZone),
  };
}

function eventReminderText(kind: EventReminderKind, event: Event, language: Language, timeZone: string): string {
  return translator(language)(textKeyOf[kind], {
    title: localized(event, "title", language),
    when: formatDateTime(event.startsAt, language, timeZone),
    place: event.place,
  });
}
