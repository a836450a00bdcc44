import { appointmentReminders, idsOf } from "../appointments/reminders.js";

/**
 * Reminders of events for people signed up, not those waiting (see appointments/reminders.ts for
 * when they come and what is checked at send time); someone already checked in has come.
 */
export const eventReminders = appointmentReminders({
  kinds: { evening: "event_evening", soon: "event_soon" },
  textKeys: { evening: "events.reminder_evening", soon: "events.reminder_soon" },
  noun: "event",
  switchedOn: "eventReminders",

  async upcoming(db, window, remindable) {
    const events = await db.event.findMany({
      where: { cancelledAt: null, startsAt: window },
      select: {
        id: true,
        startsAt: true,
        rsvps: { where: { status: "going", person: remindable }, select: { personId: true } },
      },
    });
    return events.map((event) => ({
      startsAt: event.startsAt,
      participants: event.rsvps.map((rsvp) => ({
        personId: rsvp.personId,
        key: `event:${event.id}:person:${rsvp.personId}`,
        ids: { eventId: event.id },
      })),
    }));
  },

  async lookUp(db, due) {
    const eventIds = idsOf(due, "eventId");
    const [events, rsvps] = await Promise.all([
      db.event.findMany({ where: { id: { in: eventIds } } }),
      db.rsvp.findMany({
        where: { eventId: { in: eventIds }, personId: { in: due.map((reminder) => reminder.personId) } },
      }),
    ]);
    const eventById = new Map(events.map((event) => [event.id, event]));
    const rsvpOf = new Map(rsvps.map((rsvp) => [`${rsvp.eventId}:${rsvp.personId}`, rsvp]));
    return (reminder) => {
      const event = reminder.eventId === null ? undefined : eventById.get(reminder.eventId);
      const rsvp = rsvpOf.get(`${reminder.eventId}:${reminder.personId}`);
      const notTakingPart =
        rsvp?.status !== "going" ? "not signed up" : rsvp.checkedInAt ? "already checked in" : undefined;
      return { appointment: event && { ...event, named: event }, notTakingPart };
    };
  },
});
